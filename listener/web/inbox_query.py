"""The inbox's query string: its filter controls read into the feed's ``MentionFilter`` (through
``listener.deps.parse_filters``, the same checks as the API), the time-range presets, "assigned to
me", duplicates collapsed unless asked for, and the query string a saved search keeps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from listener.deps import parse_filters
from listener.errors import ListenerError, Unprocessable
from listener.storage.mentions import MentionFilter

MULTI = ("platform", "kind", "sentiment", "language", "status")
SINGLE = ("brand", "assignee", "tag", "topic", "q", "min_reach", "period", "since", "until", "incident")
FLAGS = ("mine", "dups")
KEYS = MULTI + SINGLE + FLAGS  # what a saved search keeps
MAX_LENGTH = {"tag": 64, "topic": 100, "assignee": 200, "q": 200}  # as GET /api/v1/mentions
SHOWN = 1000  # longest value echoed back into the controls
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


@dataclass(slots=True)
class InboxQuery:
    """The filter the inbox runs, the values its controls show, and a problem to tell the person."""

    filters: MentionFilter
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _time(raw: str, name: str) -> datetime | None:
    """A ``datetime-local`` value (or an ISO time) as UTC; naive values are UTC."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise Unprocessable(f"{name} is not a date and time", details=[{"field": name}]) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _int(raw: str, name: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise Unprocessable(f"{name} must be a whole number of 0 or more", details=[{"field": name}])
    return int(raw)


def values_of(params: QueryParams) -> dict[str, Any]:
    """The controls' values from the query string (lists for the multi-valued ones)."""
    values: dict[str, Any] = {k: [v for v in params.getlist(k) if v] for k in MULTI}
    values.update({k: (params.get(k) or "").strip()[:SHOWN] for k in SINGLE + FLAGS})
    return values


def _check_lengths(values: dict[str, Any]) -> None:
    """The API's bounds on free-text filters (``parse_filters``' ``max_length``): a longer value is
    refused with the reason, never cut or left to match nothing."""
    for name, most in MAX_LENGTH.items():
        if len(values[name]) > most:
            raise Unprocessable(f"{name} is longer than {most} characters", details=[{"field": name}])


def read_query(session: Session, params: QueryParams, me: str, *, now: datetime | None = None) -> InboxQuery:
    """The inbox's filter for ``params``; ``me`` is the assignee "assigned to me" means. A bad value
    sets ``error`` (what to fix); the inbox then shows no mentions."""
    values = values_of(params)
    now = now or datetime.now(UTC)
    try:
        _check_lengths(values)
        since, until = _time(values["since"], "since"), _time(values["until"], "until")
        if values["period"] in PERIODS:
            since, until = now - PERIODS[values["period"]], None
        filters = parse_filters(
            brand=values["brand"] or None,
            platform=values["platform"],
            kind=values["kind"],
            sentiment=values["sentiment"],
            language=values["language"],
            status=values["status"],
            assignee=me if values["mine"] else (values["assignee"] or None),
            tag=values["tag"] or None,
            topic=values["topic"] or None,
            min_reach=_int(values["min_reach"], "min_reach"),
            since=since,
            until=until,
            q=values["q"] or None,
            hide_duplicates=values["dups"] != "show",
            incident=_int(values["incident"], "incident") or None,
        ).resolve(session)
    except ListenerError as exc:
        return InboxQuery(MentionFilter(hide_duplicates=True), values, exc.message)
    return InboxQuery(filters, values)


def saved_query(params: Mapping[str, Any] | QueryParams) -> str:
    """The part of a query string a saved search keeps: the filters, in a stable order."""
    pairs: list[tuple[str, str]] = []
    for key in KEYS:
        raw = params.getlist(key) if isinstance(params, QueryParams) else [params.get(key)]
        pairs += [(key, str(v)) for v in raw if v]
    return urlencode(pairs)


def page_link(params: QueryParams, **changes: str | None) -> str:
    """``/inbox`` with the current filters and ``changes`` (None removes a key)."""
    pairs = [(k, v) for k, v in params.multi_items() if k not in changes and k != "cursor"]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    return "/inbox" + (f"?{urlencode(pairs)}" if pairs else "")
