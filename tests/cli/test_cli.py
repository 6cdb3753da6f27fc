"""The real ``listener`` console script, run in subprocesses against a scratch database.

Every run gets a clean environment (no inherited ``LISTENER_*``) and a working directory of its own,
so no ``.env`` of the checkout leaks in.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from listener.auth import authenticate
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import ApiKey, Mention
from tests.factories import mention, mentions


def _listener_script() -> str:
    beside = Path(sys.executable).parent / "listener"
    if beside.is_file():
        return str(beside)
    found = shutil.which("listener")
    if found is None:
        pytest.fail("the `listener` console script is not installed (pip install -e .)")
    return found


LISTENER = _listener_script()
KEY_RE = re.compile(r"lsn_[0-9a-f]{8}_[A-Za-z0-9_\-]{43}")

Run = Callable[..., subprocess.CompletedProcess[str]]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENER_")}
    env.update(extra)
    return env


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _runner(tmp_path: Path, url: str) -> Run:
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)

    def run(
        *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [LISTENER, *args],
            cwd=workdir,
            env=_clean_env(LISTENER_DATABASE_URL=url, **(env or {})),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )

    return run


@pytest.fixture
def cli(tmp_path: Path, sqlite_url: str) -> Run:
    """``cli("keys", "list")`` runs the script on a tmp SQLite database."""
    return _runner(tmp_path, sqlite_url)


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def _count(url: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return session.scalar(select(func.count()).select_from(Mention)) or 0
    finally:
        engine.dispose()


def _authenticates(url: str, key: str) -> bool:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return authenticate(session, key) is not None
    finally:
        engine.dispose()


def _unbranded(n: int, start: int = 0) -> list[dict]:
    """Ingest items without a brand (a fresh database has none)."""
    out = []
    for item in mentions(n, start=start):
        item.pop("brand")
        out.append(item)
    return out


def _write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def _write_csv(path: Path, items: list[dict]) -> Path:
    columns = [
        "platform",
        "external_id",
        "url",
        "text",
        "kind",
        "author_handle",
        "author_name",
        "author_reach",
        "published_at",
        "language",
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for i in items:
            a = i.get("author", {})
            writer.writerow(
                [
                    i["platform"],
                    i["external_id"],
                    i.get("url", ""),
                    i["text"],
                    i.get("kind", "post"),
                    a.get("handle", ""),
                    a.get("name", ""),
                    a.get("reach", ""),
                    i["published_at"],
                    i.get("language", ""),
                ]
            )
    return path


def _summary(stdout: str) -> tuple[int, int, int, int]:
    m = re.search(r"read (\d+) line\(s\): (\d+) created, (\d+) duplicate\(s\), (\d+) invalid", stdout)
    assert m, f"no import summary in:\n{stdout}"
    lines, created, dups, invalid = (int(g) for g in m.groups())
    return lines, created, dups, invalid


# --- migrate / config ----------------------------------------------------------------------------


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
    try:
        with TestClient(create_app(Settings(database_url=sqlite_url, _env_file=None), engine=engine)) as c:
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


def test_import_jsonl_then_reimport_counts_duplicates(cli: Run, sqlite_url: str, tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "m.jsonl", _unbranded(5))
    first = _ok(cli("import", str(path)))
    assert _summary(first.stdout) == (5, 5, 0, 0)
    again = _ok(cli("import", str(path)))
    assert _summary(again.stdout) == (5, 0, 5, 0)
    assert _count(sqlite_url) == 5


def test_import_csv_then_reimport_counts_duplicates(cli: Run, sqlite_url: str, tmp_path: Path) -> None:
    items = _unbranded(4)
    items[1]["text"] = 'A comma, a "quote" and\na newline'
    path = _write_csv(tmp_path / "m.csv", items)
    first = _ok(cli("import", str(path)))
    assert _summary(first.stdout) == (4, 4, 0, 0)
    assert _summary(_ok(cli("import", str(path))).stdout) == (4, 0, 4, 0)
    engine = make_engine(sqlite_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            row = session.scalar(select(Mention).where(Mention.external_id == "tw-1"))
            assert row is not None
            assert row.text == 'A comma, a "quote" and\na newline'
            assert row.author_handle == "user1" and row.author_reach == 101
    finally:
        engine.dispose()


def test_import_bad_line_reports_its_number_keeps_the_good_ones(
    cli: Run, sqlite_url: str, tmp_path: Path
) -> None:
    items = _unbranded(4)
    lines = [json.dumps(i) for i in items]
    lines.insert(2, json.dumps({**mention(99), "brand": None, "published_at": "yesterday"}))  # line 3
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("import", str(tmp_path / "bad.jsonl"))
    assert result.returncode == 1, result
    assert "line 3" in result.stderr and "published_at" in result.stderr
    assert _summary(result.stdout) == (5, 4, 0, 1)
    assert _count(sqlite_url) == 4


def test_import_bad_json_and_bad_csv_row(cli: Run, sqlite_url: str, tmp_path: Path) -> None:
    good = [json.dumps(i) for i in _unbranded(2)]
    (tmp_path / "broken.jsonl").write_text(f"{good[0]}\n{{not json\n{good[1]}\n", encoding="utf-8")
    result = cli("import", str(tmp_path / "broken.jsonl"))
    assert result.returncode == 1 and "line 2" in result.stderr and "JSON" in result.stderr
    assert _summary(result.stdout) == (3, 2, 0, 1)

    items = _unbranded(3, start=10)
    items[1]["kind"] = "tweet"
    path = _write_csv(tmp_path / "bad.csv", items)
    result = cli("import", str(path))
    assert result.returncode == 1
    assert "line 3" in result.stderr and "kind" in result.stderr  # header is line 1
    assert _summary(result.stdout) == (3, 2, 0, 1)
    assert _count(sqlite_url) == 4


def test_import_missing_file_and_unknown_format(cli: Run, tmp_path: Path) -> None:
    missing = cli("import", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    path = _write_jsonl(tmp_path / "m.jsonl", _unbranded(1))
    fmt = cli("import", str(path), "--format", "xml")
    assert fmt.returncode == 1 and "xml" in fmt.stderr
    export = cli("export", "--format", "xml")
    assert export.returncode == 2 and "xml" in export.stderr


def test_import_reads_stdin_and_unknown_brand_is_reported(cli: Run, tmp_path: Path) -> None:
    data = "".join(json.dumps(i) + "\n" for i in _unbranded(3))
    result = subprocess.run(
        [LISTENER, "import", "-"],
        cwd=tmp_path,
        env=_clean_env(LISTENER_DATABASE_URL=f"sqlite:///{tmp_path / 'stdin.db'}"),
        input=data,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result
    assert _summary(result.stdout) == (3, 3, 0, 0)
    branded = _write_jsonl(tmp_path / "branded.jsonl", mentions(2))
    result = cli("import", str(branded))
    assert result.returncode == 1 and "unknown brand" in result.stderr and "Traceback" not in result.stderr


def test_export_csv_and_jsonl_write_every_row_and_reimport(cli: Run, sqlite_url: str, tmp_path: Path) -> None:
    items = _unbranded(30)
    _ok(cli("import", str(_write_jsonl(tmp_path / "m.jsonl", items))))

    _ok(cli("export", "--format", "csv", "-o", str(tmp_path / "out.csv")))
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30
    assert {r["external_id"] for r in rows} == {i["external_id"] for i in items}
    assert rows[0]["published_at"] > rows[-1]["published_at"]  # newest first

    _ok(cli("export", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl")))
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 30
    assert {r["external_id"] for r in records} == {i["external_id"] for i in items}
    assert all(r["sentiment"]["label"] in ("positive", "negative", "neutral", "unscored") for r in records)

    to_stdout = _ok(cli("export"))
    assert len(to_stdout.stdout.splitlines()) == 30

    # both exports re-import into a fresh database with the same count
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = _runner(tmp_path, fresh_url)
    assert _summary(_ok(fresh("import", str(tmp_path / "out.jsonl"))).stdout) == (30, 30, 0, 0)
    assert _count(fresh_url) == 30
    assert _summary(_ok(fresh("import", str(tmp_path / "out.csv"))).stdout) == (30, 0, 30, 0)
    assert _count(fresh_url) == 30


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_import_export_on_postgres(backend: str, db_url: str, tmp_path: Path) -> None:
    """The round trip against the per-test PostgreSQL database (the other tests use SQLite files)."""
    assert db_url.startswith("postgresql")
    run = _runner(tmp_path, db_url)
    items = _unbranded(12)
    assert _summary(_ok(run("import", str(_write_jsonl(tmp_path / "m.jsonl", items)))).stdout) == (
        12,
        12,
        0,
        0,
    )
    assert _summary(_ok(run("import", str(_write_csv(tmp_path / "m.csv", items)))).stdout) == (12, 0, 12, 0)
    assert _count(db_url) == 12
    out = tmp_path / "out.jsonl"
    _ok(run("export", "--format", "jsonl", "-o", str(out)))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert _summary(_ok(_runner(tmp_path, fresh_url)("import", str(out))).stdout) == (12, 12, 0, 0)
    assert _count(fresh_url) == 12


# --- demo ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_seeds_once_and_prints_url_and_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    run = _runner(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}")
    first = _ok(run("demo", "--no-serve", "--database-url", url, "--port", "8765"))
    assert "503 new mention(s)" in first.stderr
    assert "http://127.0.0.1:8765/" in first.stdout
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
