"""The real ``listener`` console script, run in subprocesses against a scratch database.

Every run gets a clean environment (no inherited ``LISTENER_*``) and a working directory of its own,
so no ``.env`` of the checkout leaks in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import ApiKey
from tests.cli.cli_helpers import (  # noqa: F401
    KEY_RE,
    LISTENER,
    Run,
    _authenticates,
    _clean_env,
    _count,
    _ok,
    _runner,
    _summary,
    _unbranded,
    _write_csv,
    _write_jsonl,
)


def test_migrate_creates_the_schema_and_is_safe_to_repeat(cli: Run, sqlite_url: str) -> None:
    from listener.storage import migrate

    first = _ok(cli("migrate"))
    head = migrate.head_revision()
    assert head in first.stdout
    _ok(cli("migrate"))
    engine = make_engine(sqlite_url)
    try:
        assert migrate.current_revision(engine) == head
    finally:
        engine.dispose()


def test_config_prints_json_and_masks_secrets(cli: Run, sqlite_url: str) -> None:
    result = _ok(cli("config", env={"LISTENER_TWITTER_BEARER_TOKEN": "supersecret", "LISTENER_PORT": "8123"}))
    assert "supersecret" not in result.stdout and "supersecret" not in result.stderr
    data = json.loads(result.stdout)
    assert data["twitter_bearer_token"] == "set"
    assert data["youtube_api_key"] == ""
    assert data["port"] == 8123
    assert data["database_url"] == sqlite_url


def test_config_masks_the_database_password(tmp_path: Path) -> None:
    run = _runner(tmp_path, "postgresql+psycopg://listener:hunter2@db.invalid:5432/listener")
    result = _ok(run("config"))
    assert "hunter2" not in result.stdout
    assert (
        json.loads(result.stdout)["database_url"]
        == "postgresql+psycopg://listener:***@db.invalid:5432/listener"
    )


def test_invalid_config_exits_2_with_a_sentence(cli: Run) -> None:
    result = cli("config", env={"LISTENER_PORT": "abc"})
    assert result.returncode == 2, result
    assert "LISTENER_PORT" in result.stderr and "invalid configuration" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == ""


def test_unknown_database_scheme_exits_2(tmp_path: Path) -> None:
    result = _runner(tmp_path, "mysql://x@y/z")("migrate")
    assert result.returncode == 2, result
    assert "LISTENER_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


# --- keys ----------------------------------------------------------------------------------------


def test_keys_create_list_revoke(cli: Run, sqlite_url: str) -> None:
    created = _ok(cli("keys", "create", "--role", "viewer", "--name", "bob"))
    keys = KEY_RE.findall(created.stdout)
    assert len(keys) == 1, created.stdout
    key = keys[0]
    assert created.stdout.strip() == key  # stdout is only the key (scriptable); the note is on stderr
    assert "not shown again" in created.stderr
    assert _authenticates(sqlite_url, key)

    listed = _ok(cli("keys", "list"))
    bob = [line for line in listed.stdout.splitlines() if line.startswith("bob ")]
    assert len(bob) == 1 and "viewer" in bob[0]
    assert key not in listed.stdout
    assert key.split("_")[2] not in listed.stdout  # the secret part never shows, only the prefix
    assert key.split("_")[1] in bob[0]
    assert bob[0].rstrip().endswith("-")  # not revoked

    _ok(cli("keys", "revoke", "bob"))
    assert not _authenticates(sqlite_url, key)
    listed = _ok(cli("keys", "list"))
    bob = [line for line in listed.stdout.splitlines() if line.startswith("bob ")]
    assert not bob[0].rstrip().endswith("-")  # a revocation time now


def test_key_from_cli_authenticates_over_http(cli: Run, sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    from listener.app import create_app
    from listener.settings import Settings

    key = KEY_RE.findall(_ok(cli("keys", "create", "--role", "viewer", "--name", "web")).stdout)[0]
    engine = make_engine(sqlite_url)
    # Another process revokes the key: with the key cache off it is refused on the next request (with
    # the default cache, within LISTENER_AUTH_CACHE_SECONDS: tests/api/test_feed_lean.py).
    settings = Settings(database_url=sqlite_url, auth_cache_seconds=0, _env_file=None)
    try:
        with TestClient(create_app(settings, engine=engine)) as c:
            assert c.get("/api/v1/mentions", headers={"Authorization": f"Bearer {key}"}).status_code == 200
            _ok(cli("keys", "revoke", "web"))
            assert c.get("/api/v1/mentions", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    finally:
        engine.dispose()


def test_keys_create_unknown_role_exits_2(cli: Run, sqlite_url: str) -> None:
    result = cli("keys", "create", "--role", "boss", "--name", "x")
    assert result.returncode == 2, result
    assert "boss" in result.stderr and "viewer" in result.stderr
    assert KEY_RE.search(result.stdout) is None


def test_keys_duplicate_name_and_unknown_revoke_fail(cli: Run, sqlite_url: str) -> None:
    _ok(cli("keys", "create", "--role", "admin", "--name", "ops"))
    again = cli("keys", "create", "--role", "admin", "--name", "ops")
    assert again.returncode == 1 and "already exists" in again.stderr
    missing = cli("keys", "revoke", "nobody")
    assert missing.returncode == 1 and "nobody" in missing.stderr
    engine = make_engine(sqlite_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            assert session.scalar(select(func.count()).select_from(ApiKey)) == 1
    finally:
        engine.dispose()


# --- import / export -----------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_seeds_once_and_prints_url_and_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    run = _runner(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}")
    first = _ok(run("demo", "--no-serve", "--database-url", url, "--port", "8765"))
    assert "503 new mention(s)" in first.stderr
    assert "http://127.0.0.1:8765/" in first.stdout
    assert "demo crisis: incident 1 at http://127.0.0.1:8765/incidents/1" in first.stdout  # the page
    assert "manager@acme.example (manager)" in first.stdout and "password listener-demo" in first.stdout
    keys = KEY_RE.findall(first.stdout)
    assert len(keys) == 1
    assert _count(url) == 503
    assert _authenticates(url, keys[0])
    assert not (tmp_path / "unused.db").exists()  # --database-url wins over LISTENER_DATABASE_URL

    second = _ok(run("demo", "--no-serve", "--database-url", url))
    assert "0 new mention(s)" in second.stderr and "503 already there" in second.stderr
    assert _count(url) == 503
    new_key = KEY_RE.findall(second.stdout)[0]
    assert _authenticates(url, new_key)
    assert not _authenticates(url, keys[0])  # each run replaces the demo admin key
