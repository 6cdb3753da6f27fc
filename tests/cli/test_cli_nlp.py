"""``listener score`` (streaming JSON lines) and ``listener reanalyze`` as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

LISTENER = shutil.which("listener", path=str(Path(sys.executable).parent)) or "listener"


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LISTENER, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_score_streams_one_line_per_input_in_order():
    lines = [
        json.dumps({"text": "Still waiting for my refund"}),
        "",
        "{not json",
        json.dumps({"text": "Bu ürün harikaydı, çok beğendim", "language": "tr"}),
        json.dumps({"text": "Terrible service", "rating": "five"}),
        json.dumps({"text": "Five stars, very polite staff", "rating": 1, "kind": "review"}),
    ]
    out = run("score", stdin="\n".join(lines) + "\n")
    assert out.returncode == 1, out.stderr  # every line answered, but two could not be scored
    records = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(records) == 5, "blank lines are skipped, every other line answers"
    assert records[0]["sentiment"]["label"] == "negative"
    assert records[1]["error"].startswith("line 3: invalid JSON")
    assert (records[2]["language"], records[2]["sentiment"]["label"]) == ("tr", "positive")
    assert "line 5" in records[3]["error"]
    assert records[4]["sentiment"]["label"] == "negative", "a 1-star review is negative however polite"
    assert set(records[0]) == {
        "language",
        "language_confidence",
        "sentiment",
        "topics",
        "entities",
        "crisis_terms",
        "keyphrases",
    }


def test_score_texts_as_arguments():
    out = run("score", "on hold for 2 hours, again", "best support ever")
    labels = [json.loads(x)["sentiment"]["label"] for x in out.stdout.splitlines()]
    assert labels == ["negative", "positive"]


def test_reanalyze_reports_and_keeps_overrides(tmp_path):
    env = {"LISTENER_DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}"}
    seeded = run("demo", "--no-serve", "--database-url", env["LISTENER_DATABASE_URL"])
    assert seeded.returncode == 0, seeded.stderr
    out = run("reanalyze", "--brand", "Acme", env=env)
    assert out.returncode == 0, out.stderr
    assert "reanalysed 424 mention(s)" in out.stdout and "0 changed label" in out.stdout
    missing = run("reanalyze", "--brand", "Nope", env=env)
    assert missing.returncode == 1 and "unknown brand" in missing.stderr
