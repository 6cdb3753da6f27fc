"""The replay collector plays a JSONL file as if the mentions were arriving now."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from collectors_testkit import Recorder

from collectors.base import CollectorError
from collectors.registry import validate_params
from collectors.replay import ReplayCollector, ReplayParams
from listener.settings import Settings

START = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def _file(tmp_path: Path, rows: list[dict]) -> str:
    path = tmp_path / "demo.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return str(path)


ROWS = [
    {"platform": "reddit", "external_id": "t3_a", "text": "Acme support is great", "kind": "post",
     "published_at": "2024-01-01T10:00:00Z", "author": {"handle": "u1", "reach": 10},
     "engagement": {"score": 5}, "url": "https://www.reddit.com/r/x/comments/a/"},
    {"platform": "appstore", "external_id": "r1", "text": "Crashes on launch", "kind": "review",
     "rating": 1.0, "title": "Broken", "published_at": "2024-01-01T10:01:00Z", "author": {"name": "Ann"}},
    {"external_id": "x", "text": "later", "published_at": "2024-01-01T10:10:00Z"},
]  # fmt: skip


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The replay platform on, for this test's directory."""
    return settings.model_copy(update={"replay_dir": str(tmp_path)})


def test_plays_mentions_as_time_passes(settings: Settings, tmp_path: Path) -> None:
    collector = ReplayCollector(Recorder([]).client(settings), settings)
    now = START
    collector.clock = lambda: now
    params = ReplayParams(path=_file(tmp_path, ROWS))
    first = collector.collect(params, None)
    assert [m.external_id for m in first.mentions] == ["t3_a"]
    assert first.mentions[0].published_at == START and first.mentions[0].platform == "reddit"
    assert first.mentions[0].author.reach == 10 and first.mentions[0].engagement == {"score": 5}
    assert json.loads(first.next_cursor) == {"index": 1, "anchor": "2026-11-22T06:00:00Z"}
    now = START + timedelta(seconds=30)
    assert collector.collect(params, first.next_cursor).next_cursor == first.next_cursor  # nothing due
    now = START + timedelta(minutes=1)
    second = collector.collect(params, first.next_cursor)
    review = second.mentions[0]
    assert review.kind == "review" and review.rating == 1.0 and review.title == "Broken"
    assert review.published_at == START + timedelta(minutes=1)
    now = START + timedelta(hours=1)
    third = collector.collect(params, second.next_cursor)
    assert third.mentions[0].platform == "replay" and json.loads(third.next_cursor)["index"] == 3


def test_speed_compresses_time(settings: Settings, tmp_path: Path) -> None:
    collector = ReplayCollector(Recorder([]).client(settings), settings)
    collector.clock = lambda: START
    params = ReplayParams(path=_file(tmp_path, ROWS), speed=1000)
    batch = collector.collect(params, None)
    assert len(batch.mentions) == 1
    collector.clock = lambda: START + timedelta(seconds=1)  # 10 minutes of file time at 1000x
    assert len(collector.collect(params, batch.next_cursor).mentions) == 2


def test_bad_file_and_params(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no replay file 'missing.jsonl'"):
        validate_params("replay", {"path": "missing.jsonl"}, settings=settings)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "SECRET no time"}\n', encoding="utf-8")
    with pytest.raises(CollectorError, match="line 1") as info:
        ReplayCollector(Recorder([]).client(settings), settings).collect(ReplayParams(path="bad.jsonl"), None)
    assert "SECRET" not in str(info.value) and info.value.excerpt is None


def test_replay_is_off_unless_a_directory_is_set(settings: Settings, tmp_path: Path) -> None:
    _file(tmp_path, ROWS)
    off = settings.model_copy(update={"replay_dir": ""})
    with pytest.raises(CollectorError, match="replay platform is off: set LISTENER_REPLAY_DIR"):
        ReplayCollector(Recorder([]).client(off), off).collect(ReplayParams(path="demo.jsonl"), None)
    with pytest.raises(ValueError, match="LISTENER_REPLAY_DIR"):
        validate_params("replay", {"path": "demo.jsonl"}, settings=off)


def _outside(tmp_path: Path) -> tuple[Path, list[str]]:
    """A replay directory, a file outside it, and paths that try to reach it (or other files)."""
    inside = tmp_path / "replay"
    inside.mkdir()
    secret = tmp_path / "secret.jsonl"
    secret.write_text(json.dumps(ROWS[0] | {"text": "SECRET-TOKEN=abc"}) + "\n", encoding="utf-8")
    (inside / "link.jsonl").symlink_to(secret)
    (inside / "sub").mkdir()
    (inside / "sub" / "up").symlink_to(tmp_path)
    return inside, [
        "/proc/self/environ",
        "/etc/passwd",
        str(secret),
        "../secret.jsonl",
        "sub/../../secret.jsonl",
        "link.jsonl",  # a symlink inside, pointing out
        "sub/up/secret.jsonl",  # a symlinked directory
        "/nonexistent/file.jsonl",
        "../nonexistent.jsonl",
        ".",
    ]


def test_paths_outside_the_directory_are_refused_alike_and_never_read(
    settings: Settings, tmp_path: Path
) -> None:
    inside, attempts = _outside(tmp_path)
    settings = settings.model_copy(update={"replay_dir": str(inside)})
    collector = ReplayCollector(Recorder([]).client(settings), settings)
    messages = set()
    for path in attempts:
        with pytest.raises(ValueError) as saved:
            validate_params("replay", {"path": path}, settings=settings)
        with pytest.raises(CollectorError) as collected:
            collector.collect(ReplayParams(path=path), None)
        messages |= {saved.value.errors()[0]["msg"], str(collected.value)}
    # one answer whatever the path: no content, no word on whether the file exists
    assert messages == {
        "Value error, replay files must be inside the replay directory",
        "replay files must be inside the replay directory",
    }


def test_a_file_inside_the_directory_may_be_named_relative_or_absolute(
    settings: Settings, tmp_path: Path
) -> None:
    inside, _ = _outside(tmp_path)
    (inside / "sub" / "ok.jsonl").write_text(json.dumps(ROWS[0]) + "\n", encoding="utf-8")
    settings = settings.model_copy(update={"replay_dir": str(inside)})
    collector = ReplayCollector(Recorder([]).client(settings), settings)
    for path in ("sub/ok.jsonl", str(inside / "sub" / "ok.jsonl"), "sub/./../sub/ok.jsonl"):
        assert validate_params("replay", {"path": path}, settings=settings)
        assert [m.external_id for m in collector.collect(ReplayParams(path=path), None).mentions] == ["t3_a"]
