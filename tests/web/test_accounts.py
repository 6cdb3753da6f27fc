"""Password sign-in, sessions, CSRF, throttling, sign-out and the page language, over HTTP against
the real app (SQLite and PostgreSQL); the browser journeys are in test_journeys_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from listener.accounts import MAX_FAILURES, set_password
from listener.app import create_app
from listener.people import find_user, update_user
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.people_models import LoginFailure, User
from tests.web.conftest import PASSWORD, email_of, seed_users

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_engine(engine: Engine) -> Iterator[Engine]:
    seed_users(make_session_factory(engine))
    yield engine


def _client(engine: Engine, **overrides: object) -> TestClient:
    settings = Settings(database_url=str(engine.url), _env_file=None, **overrides)
    return TestClient(create_app(settings, engine=engine), follow_redirects=False)


def _token(client: TestClient, path: str = "/login", **headers: str) -> str:
    page = client.get(path, headers=headers)
    assert page.status_code == 200, page.text
    return TOKEN.search(page.text).group(1)  # type: ignore[union-attr]


def _sign_in(client: TestClient, role: str, password: str = PASSWORD, next_url: str = "/"):  # type: ignore[no-untyped-def]
    token = _token(client)
    return client.post(
        "/login",
        data={"email": email_of(role), "password": password, "next": next_url, "csrf_token": token},
    )


def test_sign_in_goes_back_to_the_page_asked_for_and_sign_out_ends_the_session(app_engine: Engine) -> None:
    client = _client(app_engine)
    asked = client.get("/?sentiment=negative&q=late")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?next=%2F%3Fsentiment%3Dnegative%26q%3Dlate"
    done = _sign_in(client, "manager", next_url="/?sentiment=negative")
    assert done.status_code == 303 and done.headers["location"] == "/?sentiment=negative"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith("listener_session=") and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()
    start = client.get("/")
    assert start.status_code == 303 and start.headers["location"] == "/overview"  # the start page
    feed = client.get("/inbox")
    assert feed.status_code == 200 and "Mina Manager" in feed.text and 'data-action="logout"' in feed.text
    # sign-out is a POST with the session's token; without it nothing happens
    assert client.post("/logout").status_code == 403
    assert client.get("/inbox").status_code == 200
    out = client.post("/logout", data={"csrf_token": _token(client, "/inbox")})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/inbox").status_code == 303
    with session_scope(make_session_factory(app_engine)) as s:
        assert find_user(s, email_of("manager")).last_login_at is not None


def test_wrong_password_unknown_address_and_disabled_user_are_refused(app_engine: Engine) -> None:
    client = _client(app_engine)
    wrong = _sign_in(client, "agent", password="not the password")
    assert wrong.status_code == 401 and "Wrong e-mail address or password." in wrong.text
    token = _token(client)
    nobody = client.post(
        "/login", data={"email": "no@acme.example", "password": PASSWORD, "csrf_token": token}
    )
    assert nobody.status_code == 401
    no_token = client.post("/login", data={"email": email_of("agent"), "password": PASSWORD})
    assert no_token.status_code == 403 and "expired" in no_token.text
    with session_scope(make_session_factory(app_engine)) as s:
        update_user(s, find_user(s, email_of("agent")), active=False)
    assert _sign_in(client, "agent").status_code == 401


def test_disabling_a_user_or_changing_the_password_ends_their_sessions(app_engine: Engine) -> None:
    sessions = make_session_factory(app_engine)
    client = _client(app_engine)
    assert _sign_in(client, "agent").status_code == 303
    assert client.get("/inbox").status_code == 200
    with session_scope(sessions) as s:
        set_password(find_user(s, email_of("agent")), "a brand new passphrase")
    assert client.get("/inbox").status_code == 303
    assert _sign_in(client, "agent", password="a brand new passphrase").status_code == 303
    with session_scope(sessions) as s:
        update_user(s, find_user(s, email_of("agent")), active=False)
    assert client.get("/inbox").status_code == 303


def test_failed_sign_ins_are_throttled_per_address(app_engine: Engine) -> None:
    client = _client(app_engine)
    for _ in range(MAX_FAILURES):
        assert _sign_in(client, "viewer", password="wrong wrong wrong").status_code == 401
    blocked = _sign_in(client, "viewer")  # even the right password now waits
    assert blocked.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in blocked.text
    assert 800 < int(blocked.headers["retry-after"]) <= 900
    assert _sign_in(client, "agent").status_code == 303  # another address is not affected
    with session_scope(make_session_factory(app_engine)) as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == MAX_FAILURES


def test_a_successful_sign_in_clears_earlier_failures(app_engine: Engine) -> None:
    client = _client(app_engine)
    for _ in range(MAX_FAILURES - 1):
        _sign_in(client, "viewer", password="wrong wrong wrong")
    assert _sign_in(client, "viewer").status_code == 303
    client.post("/logout", data={"csrf_token": _token(client, "/inbox")})
    for _ in range(MAX_FAILURES - 1):
        assert _sign_in(client, "viewer", password="wrong wrong wrong").status_code == 401
    assert _sign_in(client, "viewer").status_code == 303


def test_next_never_leaves_the_site(app_engine: Engine) -> None:
    client = _client(app_engine)
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        done = _sign_in(client, "viewer", next_url=evil)
        assert done.status_code == 303 and done.headers["location"] == "/", evil
        client.post("/logout", data={"csrf_token": _token(client, "/inbox")})


def test_login_page_speaks_the_browsers_language_and_the_user_keeps_their_choice(app_engine: Engine) -> None:
    client = _client(app_engine)
    turkish = client.get("/login", headers={"accept-language": "tr-TR,tr;q=0.9,en;q=0.5"})
    assert '<html lang="tr">' in turkish.text and "Giriş yap" in turkish.text and "Parola" in turkish.text
    english = client.get("/login", headers={"accept-language": "de-DE,en;q=0.8"})
    assert '<html lang="en">' in english.text and "Password" in english.text
    assert _sign_in(client, "agent").status_code == 303
    assert '<html lang="en">' in client.get("/inbox").text
    switched = client.post(
        "/language", data={"lang": "tr", "next": "/", "csrf_token": _token(client, "/inbox")}
    )
    assert switched.status_code == 303
    page = client.get("/inbox")
    assert '<html lang="tr">' in page.text and "Çıkış yap" in page.text and "Gelen kutusu" in page.text
    with session_scope(make_session_factory(app_engine)) as s:
        assert s.scalar(select(User.language).where(User.email == email_of("agent"))) == "tr"
    # a new session (another browser) opens in the user's language
    other = _client(app_engine)
    assert _sign_in(other, "agent").status_code == 303
    assert '<html lang="tr">' in other.get("/inbox").text
    bad = client.post("/language", data={"lang": "xx", "csrf_token": _token(client, "/inbox")})
    assert bad.status_code == 303
