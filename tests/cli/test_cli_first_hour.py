"""The first hour with the CLI: after the demo, the commands read its data; bad input gets a
sentence (never a Python repr or a traceback) and a non-zero exit."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.cli.cli_helpers import LISTENER, Run, _clean_env, _count, _ok, _summary, _unbranded, _write_jsonl
from tests.factories import mention

REPR_MARKS = ("[{", "{'", "Traceback", "Error(")


def _bare(cwd: Path) -> Run:
    """The script run in ``cwd`` with no LISTENER_* variable at all (as after `make run`)."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [LISTENER, *args],
            cwd=cwd,
            env=_clean_env(),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def _no_repr(result: subprocess.CompletedProcess[str]) -> None:
    said = result.stdout + result.stderr
    assert not any(mark in said for mark in REPR_MARKS), said


@pytest.mark.slow
def test_after_the_demo_the_commands_read_its_database(tmp_path: Path) -> None:
    run = _bare(tmp_path)
    _ok(run("demo", "--no-serve", "--no-live", "--port", "8765"))
    assert (tmp_path / "listener-demo.db").exists() and not (tmp_path / "listener.db").exists()

    sources = _ok(run("sources"))
    assert "no sources yet" not in sources.stdout
    assert "demo's database" in sources.stderr
    exported = _ok(run("export", "--brand", "Acme"))
    assert len(exported.stdout.splitlines()) > 100
    # --no-live seeds the live replay source disabled; `make run` leaves it on, as here
    with sqlite3.connect(tmp_path / "listener-demo.db") as db:
        db.execute("UPDATE source SET enabled = 1 WHERE name = 'Live replay (demo)'")
    collected = _ok(run("collect", "--once"))  # with the demo's settings: its replay source works
    assert "Live replay (demo)" in collected.stdout and "error: -" in collected.stdout
    demo_rows = _count(f"sqlite:///{tmp_path / 'listener-demo.db'}")
    assert demo_rows > 503  # the 503 sample mentions and what the live source just collected

    # `listener migrate` starts the installation's own database; from then on every command uses it
    _ok(run("migrate"))
    assert (tmp_path / "listener.db").exists()
    own = _ok(run("export"))
    assert own.stdout == "" and "demo's database" not in own.stderr
    assert _count(f"sqlite:///{tmp_path / 'listener-demo.db'}") == demo_rows  # the demo's is untouched


def test_a_configured_database_is_never_swapped_for_the_demos(tmp_path: Path) -> None:
    demo_url = f"sqlite:///{tmp_path / 'listener-demo.db'}"
    configured = f"sqlite:///{tmp_path / 'mine.db'}"
    _ok(_bare(tmp_path)("migrate"))  # ./listener.db, so nothing is found below either way
    (tmp_path / "listener.db").unlink()
    env = _clean_env(LISTENER_DATABASE_URL=demo_url)
    path = _write_jsonl(tmp_path / "m.jsonl", _unbranded(3))
    subprocess.run([LISTENER, "import", str(path)], cwd=tmp_path, env=env, check=True, capture_output=True)
    result = subprocess.run(
        [LISTENER, "export"],
        cwd=tmp_path,
        env=_clean_env(LISTENER_DATABASE_URL=configured),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout == "" and "demo" not in result.stderr
    found = _bare(tmp_path)("export")
    assert len(found.stdout.splitlines()) == 3 and "demo's database" in found.stderr


def test_import_reports_every_bad_line_by_number_and_stores_the_rest(
    cli: Run, sqlite_url: str, tmp_path: Path
) -> None:
    good = _unbranded(3)
    lines = [
        json.dumps(good[0]),  # 1
        json.dumps({**mention(50), "brand": "Nope"}),  # 2: unknown brand
        "",  # 3: blank, skipped
        json.dumps(good[1]),  # 4
        json.dumps({**mention(51), "brand": None, "brands": ["Nada"]}),  # 5: unknown in brands
        json.dumps(good[2]),  # 6
    ]
    path = tmp_path / "brands.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.returncode == 1, result
    assert "line 2: brand: unknown brand 'Nope'" in result.stderr
    assert "line 5: brands.0: unknown brand 'Nada'" in result.stderr
    assert _summary(result.stdout) == (5, 3, 0, 2)
    assert _count(sqlite_url) == 3
    _no_repr(result)


def test_import_reports_more_than_twenty_bad_lines(cli: Run, tmp_path: Path) -> None:
    lines = ["{not json"] * 25 + [json.dumps(_unbranded(1)[0])]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.returncode == 1
    reported = [line for line in result.stderr.splitlines() if line.strip().startswith("line ")]
    assert [line.split(":")[0].strip() for line in reported] == [f"line {n}" for n in range(1, 26)]
    assert _summary(result.stdout) == (26, 1, 0, 25)


def test_import_of_a_file_that_is_not_text_is_a_sentence(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "photo.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00binary")
    result = cli("import", str(path))
    assert result.returncode != 0
    assert "UTF-8" in result.stderr
    _no_repr(result)


def test_unknown_brand_is_a_sentence_in_every_command(cli: Run) -> None:
    _ok(cli("migrate"))
    for args in (
        ("export", "--brand", "Nope"),
        ("reanalyze", "--brand", "Nope"),
        ("backtest", "--brand", "Nope", "--since", "2026-01-01"),
    ):
        result = cli(*args)
        assert result.returncode == 1, (args, result)
        assert "unknown brand 'Nope'" in result.stderr, (args, result.stderr)
        _no_repr(result)


def test_bad_dates_and_paths_are_sentences(cli: Run, tmp_path: Path) -> None:
    _ok(cli("migrate"))
    bad_date = cli("export", "--since", "yesterday")
    assert bad_date.returncode == 2 and "Invalid value for '--since'" in bad_date.stderr
    _no_repr(bad_date)
    unwritable = cli("export", "-o", str(tmp_path / "no" / "such" / "dir" / "out.jsonl"))
    assert unwritable.returncode != 0 and "cannot write" in unwritable.stderr
    _no_repr(unwritable)
    missing_csv = cli("backtest", "--csv", str(tmp_path / "nope.csv"))
    assert missing_csv.returncode == 2 and "no such file" in missing_csv.stderr
    _no_repr(missing_csv)


def test_score_exits_1_after_writing_every_line(tmp_path: Path) -> None:
    lines = [json.dumps({"text": "great service"}), "{not json", json.dumps({"text": 5})]
    result = _bare(tmp_path)("score", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3 and "sentiment" in out[0]
    assert out[1]["error"].startswith("line 2") and out[2]["error"].startswith("line 3")
    assert "2 of 3 line(s) could not be scored" in result.stderr
    assert not (tmp_path / "listener.db").exists()  # scoring touches no database
