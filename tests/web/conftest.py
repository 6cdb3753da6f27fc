"""Fixtures for the page tests: headless Chromium (Debian's ``/usr/bin/chromium``, driven by
Playwright), a served app on a SQLite copy with one user per role, and ``login(page, role)``.

Locally the browser tests skip when Chromium is missing; in CI (``CI=true``) that is a failure
(``.ci/run`` installs it).

    def test_x(site, page, login):
        login(page, "manager")            # signed in as manager@acme.example
        page.goto(site.base + "/incidents")

``site.sessions`` opens database sessions on the served database (to seed or to check).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from listener.accounts import set_password
from listener.app import create_app
from listener.people import create_user
from listener.settings import Settings
from listener.storage.db import make_engine, make_session_factory, session_scope
from tests.served import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "agent", "manager", "admin")
NAMES = {"viewer": "Vera Viewer", "agent": "Ali Agent", "manager": "Mina Manager", "admin": "Ada Admin"}


def email_of(role: str) -> str:
    """The seeded user of ``role``: ``<role>@acme.example``."""
    return f"{role}@acme.example"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"browser tests are required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh browser context and page; ``page.dialogs`` and ``page.page_errors`` collect alerts
    and script errors (assert both are empty at the end); dialogs are dismissed unless
    ``page.accept_dialogs = True``."""
    context = browser.new_context(locale="en-GB")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    dialogs: list[str] = []
    pg.accept_dialogs = False  # type: ignore[attr-defined]  # set True to accept confirm() questions

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.accept() if pg.accept_dialogs else dialog.dismiss()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.page_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


@dataclass
class Site:
    """A served app: ``base`` URL, its ``engine``, ``sessions`` and the seeded ``user_ids`` by role."""

    base: str
    engine: Engine
    sessions: sessionmaker
    settings: Settings
    user_ids: dict[str, int] = field(default_factory=dict)


def seed_users(sessions: sessionmaker, language: str = "en") -> dict[str, int]:
    """One user per role (``<role>@acme.example``, password ``PASSWORD``); their ids by role."""
    ids = {}
    with session_scope(sessions) as s:
        for role in ROLES:
            user = create_user(
                s, email=email_of(role), display_name=NAMES[role], role=role, language=language
            )
            set_password(user, PASSWORD)
            ids[role] = user.id
    return ids


@pytest.fixture
def make_site(sqlite_template: Path, tmp_path: Path) -> Iterator[Callable[..., Site]]:
    """``make_site(seed=fn, **settings)``: a SQLite copy with the four users, ``seed(session)`` run on
    it, served on a free loopback port."""
    stack: list[object] = []

    def make(seed: Callable[..., object] | None = None, **overrides: object) -> Site:
        path = tmp_path / f"site-{len(stack)}.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        ids = seed_users(sessions)
        if seed is not None:
            with session_scope(sessions) as s:
                seed(s)
        settings = Settings(database_url=url, _env_file=None, **overrides)
        server = serve(create_app(settings, engine=engine))
        base = server.__enter__()
        stack.append((server, engine))
        return Site(base, engine, sessions, settings, ids)

    yield make
    for server, engine in reversed(stack):  # type: ignore[misc]
        server.__exit__(None, None, None)
        engine.dispose()


@pytest.fixture
def site(make_site) -> Site:  # type: ignore[no-untyped-def]
    """The served app with the four users and nothing else."""
    return make_site()


@pytest.fixture
def login(site: Site) -> Callable[..., None]:
    """``login(page, role, next="/")``: sign in on the login page as the seeded user of ``role``."""

    def sign_in(page, role: str, next: str = "/", base: str | None = None) -> None:  # type: ignore[no-untyped-def]  # noqa: A002
        page.goto(f"{base or site.base}/login?next={next}")
        page.fill("input[name=email]", email_of(role))
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form.stack button.primary")
        assert "/login" not in page.url, page.inner_text("main")

    return sign_in
