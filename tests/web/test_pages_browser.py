"""The pages in a real headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright), against
the real app served by uvicorn on a loopback port. SQLite only: the pages share every query with the
API, which the API tests run on both backends.

The browser fixtures (``browser``, ``page``) are in ``tests/web/conftest.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from listener.app import create_app
from listener.auth import create_key
from listener.pipeline.ingest import store_batch
from listener.schemas.mentions import MentionIn
from listener.settings import Settings
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import Brand, Mention
from tests.factories import mention
from tests.served import serve

XSS = "<script>alert(1)</script>"

POSITIVE = "I love Acme, the support team was wonderful and fast. Great!"
NEGATIVE = "Acme is terrible, awful support, I hate this broken app."
NEGATIVE_2 = "Worst delivery ever from Acme, angry and disappointed."
XSS_TEXT = f"Acme is awful {XSS} and the site is broken, I hate it."


@dataclass
class Served:
    base: str
    engine: Engine


def _serve(settings: Settings, engine: Engine) -> Iterator[str]:
    """Run the app with uvicorn in a thread on a free loopback port; yields its base URL."""
    with serve(create_app(settings, engine=engine)) as base:
        yield base


def _seed(engine: Engine) -> dict[str, str]:
    """Acme and four mentions; returns ``{external_id: stored sentiment label}``."""
    items = [
        mention(1, text=POSITIVE),
        mention(2, text=NEGATIVE),
        mention(3, text=NEGATIVE_2),
        mention(4, text=XSS_TEXT),
    ]
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        session.add(Brand(name="Acme", aliases=[], products=[], lexicon={}))
        session.flush()
        outcome = store_batch(session, [MentionIn.model_validate(i).model_dump() for i in items])
        assert outcome.created == 4
    with session_scope(sessions) as session:
        return {m.external_id: m.sentiment_label for m in session.query(Mention)}


@pytest.fixture
def make_server(sqlite_template: Path, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """``make_server(pages_anonymous=...)``: a seeded SQLite copy served on a free port."""
    stack: list[Iterator[str]] = []
    engines: list[Engine] = []

    def make(*, pages_anonymous: bool) -> Served:
        path = tmp_path / f"pages-{len(engines)}.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        engines.append(engine)
        labels = _seed(engine)
        # the filter check below relies on the analysis giving these labels
        assert labels["tw-1"] == "positive", labels
        assert labels["tw-2"] == labels["tw-3"] == labels["tw-4"] == "negative", labels
        settings = Settings(database_url=url, pages_anonymous=pages_anonymous, _env_file=None)
        gen = _serve(settings, engine)
        base = next(gen)
        stack.append(gen)
        return Served(base=base, engine=engine)

    yield make
    for gen in reversed(stack):
        next(gen, None)
    for engine in engines:
        engine.dispose()


def _articles(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "article",
        "els => els.map(e => ({cls: e.className, text: e.querySelector(':scope > p').textContent}))",
    )


def _filter(page, sentiment: str | None = None, q: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Set the inbox's sentiment (one label or none) and text filters, and apply them."""
    page.locator("details[data-filter=sentiment]").evaluate("d => { d.open = true; }")
    for box in page.locator("details[data-filter=sentiment] input[type=checkbox]").all():
        box.set_checked(box.get_attribute("value") == sentiment)
    if q is not None:
        page.fill("form.filters input[name=q]", q)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def test_start_page_is_the_overview_and_the_inbox_filters_by_sentiment(make_server, page) -> None:  # type: ignore[no-untyped-def]
    served = make_server(pages_anonymous=True)
    response = page.goto(served.base + "/")
    assert response is not None and response.status == 200
    assert page.url == served.base + "/overview"  # one start page; the mentions are in the inbox
    page.goto(served.base + "/inbox")
    assert page.title().startswith("Inbox")
    articles = _articles(page)
    texts = {a["text"] for a in articles}
    assert texts == {POSITIVE, NEGATIVE, NEGATIVE_2, XSS_TEXT}
    assert {a["cls"] for a in articles} == {"positive", "negative"}
    assert "Acme" in page.inner_text("select[name=brand]")

    _filter(page, "negative")
    assert "sentiment=negative" in page.url
    articles = _articles(page)
    assert {a["text"] for a in articles} == {NEGATIVE, NEGATIVE_2, XSS_TEXT}
    assert all(a["cls"] == "negative" for a in articles)
    assert page.is_checked("details[data-filter=sentiment] input[value=negative]")  # the form keeps it

    _filter(page, "positive")
    assert [a["text"] for a in _articles(page)] == [POSITIVE]

    _filter(page, None, "delivery")
    assert [a["text"] for a in _articles(page)] == [NEGATIVE_2]

    _filter(page, None, "nothing-like-this")
    assert page.locator("article").count() == 0
    assert "No mentions match." in page.inner_text("main")

    # a link to the old feed with filters opens the inbox with the same filters
    page.goto(served.base + "/?sentiment=positive")
    assert page.url == served.base + "/inbox?sentiment=positive"
    assert [a["text"] for a in _articles(page)] == [POSITIVE]
    assert page.page_errors == []


def test_script_in_a_mention_is_shown_as_text_not_run(make_server, page) -> None:  # type: ignore[no-untyped-def]
    served = make_server(pages_anonymous=True)
    page.goto(served.base + "/inbox?sentiment=negative")
    page.wait_for_selector("article")
    page.wait_for_timeout(300)  # give an injected script every chance to run
    assert page.dialogs == [], f"a script from mention text ran: {page.dialogs}"
    assert page.locator("main script").count() == 0
    shown = page.locator("article > p", has_text="site is broken")
    assert shown.count() == 1
    assert shown.text_content() == XSS_TEXT  # the markup is visible text
    html = shown.inner_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and XSS not in html
    assert XSS not in page.content()  # nowhere on the page as markup (suggested replies included)
    assert page.page_errors == []


def test_pages_need_a_key_without_anonymous_access(make_server, page) -> None:  # type: ignore[no-untyped-def]
    served = make_server(pages_anonymous=False)
    with session_scope(make_session_factory(served.engine)) as session:
        _, key = create_key(session, name="person", role="viewer")
        _, revoked = create_key(session, name="gone", role="viewer")
    from listener.auth import revoke_key

    with session_scope(make_session_factory(served.engine)) as session:
        revoke_key(session, name="gone")

    page.goto(served.base + "/inbox")
    assert page.url == served.base + "/login?next=%2Finbox"
    assert page.locator("article").count() == 0
    page.click("details.key-login summary")  # the API-key fallback under the password form
    assert page.locator("input[name=key]").get_attribute("type") == "password"

    for bad in ("lsn_nope_not-a-real-key", revoked):
        page.fill("input[name=key]", bad)
        with page.expect_navigation() as nav:
            page.click("details.key-login button[type=submit]")
        assert nav.value.status == 401
        assert page.url == served.base + "/login"
        assert "Invalid or revoked API key." in page.inner_text("main")
        assert page.locator("header .who").count() == 0  # not signed in

    page.fill("input[name=key]", key)
    with page.expect_navigation():
        page.click("details.key-login button[type=submit]")
    page.wait_for_selector("article")
    assert page.url == served.base + "/inbox"
    assert {a["text"] for a in _articles(page)} == {POSITIVE, NEGATIVE, NEGATIVE_2, XSS_TEXT}
    cookie = next(c for c in page.context.cookies() if c["name"] == "listener_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert key not in cookie["value"]  # the session names the key's row, never the key
    assert page.evaluate("document.cookie") == ""  # not readable from scripts

    # the cookie carries on: filtering works while signed in
    _filter(page, "positive")
    assert [a["text"] for a in _articles(page)] == [POSITIVE]

    # revoking the key signs the person out on the next page
    with session_scope(make_session_factory(served.engine)) as session:
        revoke_key(session, name="person")
    page.goto(served.base + "/")
    assert page.url == served.base + "/login?next=%2F"  # the start page needs a sign-in too
    assert page.dialogs == [] and page.page_errors == []
