"""Replays a JSON Lines file of mentions over time, for the offline demo and tests. No network.

A demo/test platform: off unless ``replay_dir`` (``LISTENER_REPLAY_DIR``) names a directory, and
it reads only regular files inside that directory (``path`` relative to it, or absolute inside it;
``..`` and symlinks are resolved before the check). Errors never echo a file's content and say the
same for every path outside the directory, whether or not it exists.

Each line is one mention with ``RawMention``'s fields (``author`` an object, ``published_at`` an
ISO time; ``platform`` defaults to ``replay``), sorted by ``published_at``. The first call anchors
the file's first mention at "now"; each call returns the mentions whose shifted time
(``anchor + (published_at - first) / speed``) has come, with that shifted time as ``published_at``.
``id_prefix`` (default none) is put before every ``external_id``, so a file already imported can be
replayed as new mentions (the demo's live feed uses ``live-…``).

Cursor: JSON ``{"index": <lines consumed>, "anchor": iso}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from collectors.base import CollectorError, HttpCollector, Platform
from collectors.normalise import iso, parse_datetime
from collectors.records import Author, Batch, RawMention
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

_KINDS = frozenset({"post", "comment", "review", "news"})


class ReplayParams(BaseModel):
    """The JSONL file to play (inside the replay directory) and how much faster than real time."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=1024)
    speed: float = Field(1.0, gt=0, le=100_000)
    id_prefix: str = Field("", max_length=64)

    @field_validator("path")
    @classmethod
    def _inside_replay_dir(cls, path: str, info: ValidationInfo) -> str:
        settings = (info.context or {}).get("settings")
        if settings is not None:  # saved through the API: check now (collect checks again)
            try:
                replay_file(path, settings.replay_dir)
            except CollectorError as exc:
                raise ValueError(exc.message) from None
        return path


def replay_file(path: str, replay_dir: str) -> Path:
    """The regular file ``path`` names inside ``replay_dir``, symlinks and ``..`` resolved.

    Raises CollectorError when replay is off (no directory), when the path leads outside the
    directory (one message, whether or not such a file exists) or names no file inside it."""
    if not replay_dir:
        raise CollectorError(
            "the replay platform is off: set LISTENER_REPLAY_DIR to the directory of its JSONL files"
        )
    if "\x00" in path:
        raise CollectorError("replay files must be inside the replay directory")
    base = Path(replay_dir).resolve()
    target = (base / path).resolve()  # an absolute path replaces base; symlinks are followed
    if not target.is_relative_to(base) or target == base:
        raise CollectorError("replay files must be inside the replay directory")
    if not target.is_file():
        raise CollectorError(f"no replay file {str(target.relative_to(base))!r} in the replay directory")
    return target


class ReplayCollector(
    HttpCollector, platform=Platform.replay, params=ReplayParams, every=timedelta(seconds=30)
):
    """Plays recorded mentions as if they were arriving now."""

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        super().__init__(client, settings)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Return the mentions whose shifted time is at or before now."""
        assert isinstance(params, ReplayParams)
        now = self.clock()
        state = json.loads(cursor) if cursor else {"index": 0, "anchor": iso(now)}
        anchor = parse_datetime(state.get("anchor")) or now
        index = int(state.get("index", 0))
        rows = _read(replay_file(params.path, self.settings.replay_dir))
        if not rows:
            return Batch(mentions=[], next_cursor=cursor)
        first = rows[0]["published_at"]
        mentions = []
        while index < len(rows):
            row = rows[index]
            shifted = anchor + (row["published_at"] - first) / params.speed
            if shifted > now:
                break
            mentions.append(_to_mention(row, shifted, params.id_prefix))
            index += 1
        next_cursor = json.dumps({"index": index, "anchor": iso(anchor)})
        return Batch(mentions=mentions, next_cursor=next_cursor if mentions or cursor is None else cursor)


def _read(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CollectorError(f"cannot read replay file {path.name}: {exc.strerror}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["published_at"] = parse_datetime(row["published_at"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CollectorError(f"{path.name} line {number} is not a mention") from exc
        if row["published_at"] is None:
            raise CollectorError(f"{path.name} line {number}: published_at is not an ISO time")
        if row.get("kind", "post") not in _KINDS:
            raise CollectorError(f"{path.name} line {number}: kind must be one of {sorted(_KINDS)}")
        rows.append(row)
    rows.sort(key=lambda r: r["published_at"])
    return rows


def _to_mention(row: dict[str, Any], published_at: datetime, id_prefix: str = "") -> RawMention:
    author = row.get("author") or {}
    external_id = str(row.get("external_id") or f"replay:{iso(row['published_at'])}")
    return RawMention(
        platform=str(row.get("platform") or Platform.replay.value),
        external_id=id_prefix + external_id,
        url=row.get("url"),
        text=str(row.get("text") or ""),
        title=row.get("title"),
        kind=row.get("kind") or "post",
        author=Author(handle=author.get("handle"), name=author.get("name"), reach=author.get("reach")),
        engagement={str(k): int(v) for k, v in (row.get("engagement") or {}).items()},
        rating=row.get("rating"),
        published_at=published_at,
        language=row.get("language"),
    )
