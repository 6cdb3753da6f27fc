"""Per-key time cursors (``{"<app or target>": "<iso time>"}``) and the newest-first walk over
review pages, shared by the collectors that read several apps or targets (``appstore``,
``googleplay``, ``appstoreconnect``, ``youtube``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from collectors.base import dump_json_cursor
from collectors.normalise import iso, parse_datetime
from collectors.records import RawMention


def advance_keyed(
    cursor: str | None,
    state: dict[str, str],
    keys: Iterable[str],
    read: Callable[[str, datetime | None], datetime | None],
) -> str | None:
    """Read each key from its time in ``state`` (``load_json_cursor(cursor, ...)``):
    ``read(key, since)`` collects what is newer and returns the newest time it saw. Returns the
    cursor to store: a key moves only forward, and the cursor is unchanged when nothing moved."""
    new_state = dict(state)
    for key in keys:
        since = parse_datetime(state.get(key))
        newest = read(key, since)
        if newest and (since is None or newest > since):
            new_state[key] = iso(newest)
    return dump_json_cursor(cursor, state, new_state)


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
