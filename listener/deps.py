"""FastAPI dependencies: the request's session and settings, the caller's principal, and the feed's
filters from the query string (shared by the API and the pages).

Multi-valued filters accept repeated parameters or commas (``platform=twitter,reddit``). Enum values
are checked here, so ``status=done`` is a 422 that lists the allowed values.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from listener.auth import KEY_CHECK, KeyCache, Principal, authenticate, key_generation, principal_of
from listener.engine.explain import evidence_ids
from listener.errors import Forbidden, Unauthorized, Unprocessable
from listener.reporting.periods import MAX_RANGE, PRESETS, Range, preset
from listener.schemas.common import IsoTime
from listener.settings import Settings
from listener.storage.base import utcnow
from listener.storage.db import session_scope
from listener.storage.lookup import get_or_404, resolve_brand
from listener.storage.mentions import MentionFilter
from listener.storage.models import MENTION_KINDS, MENTION_STATUSES, SENTIMENT_LABELS, Incident
from listener.storage.times import aware
from outbound.http import GuardedClient


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the endpoint returns (before the response is
    sent: ``scope="function"`` below), rolled back on error."""
    with session_scope(request.app.state.sessions) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_outbound(request: Request) -> GuardedClient:
    """The app's one outbound HTTP client (built at start-up from the settings' address policy)."""
    return request.app.state.outbound


# "function" scope: commit before the response leaves, so a 2xx means the change is stored
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
OutboundDep = Annotated[GuardedClient, Depends(get_outbound)]


def bearer_key(request: Request) -> str | None:
    """The key from ``Authorization: Bearer <key>`` (or, for pages, the login cookie)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def principal_for(session: Session, key: str | None) -> Principal:
    """Authenticate a key; Unauthorized when it is missing, unknown or revoked."""
    if not key:
        raise Unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    row = authenticate(session, key)
    if row is None:
        raise Unauthorized("invalid or revoked API key (or its user is disabled)")
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now  # at most one write a minute per key
    return principal_of(session, row)


def _checked(request: Request, key: str | None) -> Principal:
    """``principal_for`` in a transaction of its own (the once-a-minute ``last_used_at`` write)."""
    generation = key_generation()
    with session_scope(request.app.state.sessions) as session:
        session.info[KEY_CHECK] = True
        principal = principal_for(session, key)
    cache: KeyCache = request.app.state.key_cache
    cache.put(key or "", principal, generation)
    return principal


def require(role: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through keys of ``role`` or above (401 without a key, 403 below).
    A key checked in the last ``Settings.auth_cache_seconds`` is not read again (``KeyCache``)."""

    async def dependency(request: Request) -> Principal:
        key = bearer_key(request)
        principal = request.app.state.key_cache.get(key) if key else None
        if principal is None:
            principal = await run_in_threadpool(_checked, request, key)
        if not principal.can(role):
            raise Forbidden(f"this needs the {role!r} role or above; your key has {principal.role!r}")
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


Viewer = Annotated[Principal, Depends(require("viewer"), scope="function")]
Agent = Annotated[Principal, Depends(require("agent"), scope="function")]
Manager = Annotated[Principal, Depends(require("manager"), scope="function")]
Admin = Annotated[Principal, Depends(require("admin"), scope="function")]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _check(name: str, values: list[str], allowed: tuple[str, ...]) -> list[str]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise Unprocessable(
            f"unknown {name} {', '.join(map(repr, bad))}; use one of {', '.join(allowed)}",
            details=[{"field": name, "message": f"allowed: {list(allowed)}"}],
        )
    return values


def incident_mention_ids(session: Session, incident_id: int) -> list[int]:
    """The mention ids incident ``incident_id``'s evidence names (404 for an unknown incident)."""
    return evidence_ids(get_or_404(session, Incident, incident_id, "incident"))


@dataclass(slots=True)
class FilterQuery:
    """The feed's filters as the query string gives them: checked, but the brand name and the
    incident not yet looked up (``resolve``)."""

    filters: MentionFilter
    brand: str | None = None
    incident: int | None = None

    def resolve(self, session: Session) -> MentionFilter:
        """The filters with the brand and the incident's evidence read from the database (422 for
        an unknown brand, 404 for an unknown incident)."""
        if self.brand is None and self.incident is None:
            return self.filters
        return replace(
            self.filters,
            brand_ids=[resolve_brand(session, self.brand).id] if self.brand else None,
            ids=incident_mention_ids(session, self.incident) if self.incident is not None else None,
        )


def parse_filters(
    brand: Annotated[str | None, Query(description="Brand id or name")] = None,
    platform: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[list[str] | None, Query(description="post, comment, review, news")] = None,
    sentiment: Annotated[list[str] | None, Query(description="positive, negative, neutral, unscored")] = None,
    min_score: Annotated[float | None, Query(ge=-1, le=1)] = None,
    max_score: Annotated[float | None, Query(ge=-1, le=1)] = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    language: Annotated[list[str] | None, Query()] = None,
    status: Annotated[list[str] | None, Query(description=", ".join(MENTION_STATUSES))] = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    min_reach: Annotated[int | None, Query(ge=0)] = None,
    since: Annotated[IsoTime | None, Query(description="ISO time, inclusive (UTC if no zone)")] = None,
    until: Annotated[IsoTime | None, Query(description="ISO time, exclusive")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text contains (case-insensitive)")] = None,
    hide_duplicates: bool = False,
    incident: Annotated[
        int | None,
        Query(ge=1, description="Only the mentions an incident's evidence names, and their copies"),
    ] = None,
) -> FilterQuery:
    """The filters from the query string (no database work: see ``FilterQuery.resolve``)."""
    if min_score is not None and max_score is not None and min_score > max_score:
        raise Unprocessable("min_score is above max_score", details=[{"field": "min_score"}])
    since, until = aware(since, "since"), aware(until, "until")
    if since and until and since >= until:
        raise Unprocessable("since must be before until", details=[{"field": "since"}])
    filters = MentionFilter(
        platforms=_split(platform),
        kinds=_check("kind", _split(kind), MENTION_KINDS),
        labels=_check("sentiment", _split(sentiment), SENTIMENT_LABELS),
        min_score=min_score,
        max_score=max_score,
        topic=topic or None,
        languages=_split(language),
        statuses=_check("status", _split(status), MENTION_STATUSES),
        assignee=assignee or None,
        tag=tag or None,
        min_reach=min_reach,
        since=since,
        until=until,
        q=q or None,
        hide_duplicates=hide_duplicates,
    )
    return FilterQuery(filters, brand or None, incident)


@functools.wraps(parse_filters)
async def filter_query(**params: Any) -> FilterQuery:
    """``parse_filters`` as a dependency run on the event loop (no thread hop: no database work)."""
    return parse_filters(**params)


FilterQueryDep = Annotated[FilterQuery, Depends(filter_query)]


def mention_filter(session: SessionDep, query: FilterQueryDep) -> MentionFilter:
    """The filters from the query string, brand and incident resolved (the pages call
    ``parse_filters(...).resolve(session)`` with the same arguments)."""
    return query.resolve(session)


FilterDep = Annotated[MentionFilter, Depends(mention_filter, scope="function")]


def make_range(since: datetime | None, until: datetime | None, preset_name: str) -> Range:
    """A report's range: ``since``/``until`` when given (``since`` alone runs to the end of the
    current hour; ``until`` alone reaches back by the preset), else the preset ``24h``/``7d``/``30d``
    up to the end of the current hour; 422 naming the field when it is unusable."""
    now = utcnow()
    if since is None and until is None:
        return preset(preset_name, now)
    until = until or preset("24h", now).until
    since = since or until - PRESETS[preset_name]
    if since >= until:
        raise Unprocessable("since must be before until", details=[{"field": "since"}])
    if until - since > MAX_RANGE:
        raise Unprocessable(f"a range is at most {MAX_RANGE.days} days", details=[{"field": "since"}])
    return Range(since, until)


PresetQuery = Annotated[
    Literal["24h", "7d", "30d"],
    Query(alias="range", description="The last 24 h, 7 d or 30 d (when since/until are not given)"),
]


def report_range(filters: FilterDep, range_: PresetQuery = "7d") -> Range:
    """The time range of a summary, trend or author list from the feed filters' ``since``/``until``
    and the ``range`` preset (see ``make_range``)."""
    return make_range(filters.since, filters.until, range_)


RangeDep = Annotated[Range, Depends(report_range, scope="function")]
