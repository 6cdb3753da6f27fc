"""`listener collect --once` and `listener sources` over sources served by a local RSS server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.worker.feed_server import (
    Answer,
    FeedServer,
    add_source,
)

# --- the commands ------------------------------------------------------------------------------------


@pytest.fixture
def cli(db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    from typer.testing import CliRunner

    from listener.cli.main import app

    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("LISTENER_DATABASE_URL", db_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_collect_once_prints_a_line_per_source_and_sources_shows_health(
    server: FeedServer, sessions, cli
) -> None:
    server.feed("/a.xml", "alpha", 3)
    server.answers["/b.xml"] = Answer(500, b"boom")
    a = add_source(sessions, server.url("/a.xml"), name="Alpha news")
    b = add_source(sessions, server.url("/b.xml"), name="Broken blog")

    refused = cli("collect")
    assert refused.exit_code == 2 and "--once" in refused.output

    ran = cli("collect", "--once")
    assert ran.exit_code == 1, ran.output  # one source failed
    lines = [line for line in ran.stdout.splitlines() if "(#" in line]
    assert len(lines) == 2
    assert lines[0].startswith(
        f"Alpha news (#{a}): 3 new, 0 duplicate(s), 0 matching no query, error: -, next run: "
    )
    assert (
        lines[1].startswith(f"Broken blog (#{b}): 0 new, 0 duplicate(s), 0 matching no query, error: ")
        and "500" in lines[1]
    )

    only = cli("collect", "--once", "--source", str(a))
    assert only.exit_code == 0 and "Alpha news" in only.stdout and "Broken" not in only.stdout
    assert "0 new, 3 duplicate(s)" in only.stdout or "0 new, 1 duplicate(s)" in only.stdout
    missing = cli("collect", "--once", "--source", "999")
    assert missing.exit_code == 1 and "999" in missing.output

    table = cli("sources")
    assert table.exit_code == 0, table.output
    rows = table.stdout.splitlines()
    assert rows[0].split()[:4] == ["id", "name", "platform", "status"]
    alpha = next(r for r in rows if "Alpha news" in r)
    broken = next(r for r in rows if "Broken blog" in r)
    assert " ok " in alpha and " 3 " in alpha
    assert " backoff " in broken and "500" in broken and " 1 " in broken
