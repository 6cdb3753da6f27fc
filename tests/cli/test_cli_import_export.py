"""``listener import`` and ``listener export`` through the real console script."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import Mention
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
from tests.factories import mention, mentions


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
    assert fmt.returncode == 2 and "xml" in fmt.stderr
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
