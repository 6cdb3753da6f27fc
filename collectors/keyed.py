"""Per-key JSON cursors (``{"<app>": "<iso time>"}``) and the newest-first walk over review pages
that the app-review collectors share (``googleplay``, ``appstoreconnect``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from collectors.base import CollectorError, RawMention


def load_keyed(cursor: str | None, platform: str) -> dict[str, str]:
    """The cursor as ``{key: value}``; CollectorError naming ``platform`` when it is not one."""
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        raise CollectorError(f"unreadable {platform} cursor {cursor[:40]!r}") from None
    if not isinstance(data, dict):
        raise CollectorError(f"{platform} cursor must be a JSON object")
    return {str(k): str(v) for k, v in data.items()}


def dump_keyed(cursor: str | None, old: dict[str, str], new: dict[str, str]) -> str | None:
    """The cursor to store: unchanged when nothing moved, else ``new`` as sorted JSON."""
    return cursor if new == old else json.dumps(new, sort_keys=True)


def take_newer(
    mentions: Iterable[RawMention],
    since: datetime | None,
    found: dict[str, RawMention],
    newest: datetime | None,
) -> tuple[datetime | None, bool]:
    """Add the mentions published after ``since`` to ``found``; return the newest time seen so far
    and whether a mention at or before ``since`` was met (the walk reached the cursor)."""
    reached = False
    for mention in mentions:
        if since is not None and mention.published_at <= since:
            reached = True
            continue
        found.setdefault(mention.external_id, mention)
        newest = mention.published_at if newest is None else max(newest, mention.published_at)
    return newest, reached
