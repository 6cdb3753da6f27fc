"""Top authors and trending topics, hashtags and terms of a brand (or all brands) and range."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from listener.deps import FilterDep, RangeDep, SessionDep, Viewer
from listener.reporting.authors import top_authors
from listener.reporting.trends import TrendParams, rising
from listener.schemas.reports import AuthorRead, AuthorsRead, TrendRead, TrendsRead
from listener.storage.mentions import MentionFilter
from listener.storage.models import Brand

router = APIRouter(tags=["insights"])


def _brand_name(session: Session, filters: MentionFilter) -> str | None:
    if not filters.brand_ids:
        return None
    brand = session.get(Brand, filters.brand_ids[0])
    return brand.name if brand else None


@router.get("/authors", summary="Top authors by influence, reach or mentions in a range")
def authors(
    session: SessionDep,
    _: Viewer,
    filters: FilterDep,
    rng: RangeDep,
    sort: Annotated[Literal["influence", "reach", "mentions"], Query()] = "influence",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> AuthorsRead:
    f = replace(filters, since=rng.since, until=rng.until)
    rows = top_authors(session, f, limit=limit, sort=sort)
    return AuthorsRead(
        brand=_brand_name(session, filters),
        since=rng.since,
        until=rng.until,
        sort=sort,
        authors=[AuthorRead(**r) for r in rows],
    )


@router.get("/trends", summary="Topics, hashtags and terms rising against their baseline")
def trends(
    session: SessionDep,
    _: Viewer,
    filters: FilterDep,
    rng: RangeDep,
    min_count: Annotated[int, Query(ge=1, le=10_000, description="Fewest mentions in the range")] = 5,
    alpha: Annotated[float, Query(gt=0, le=0.5, description="Largest p-value that counts as rising")] = 0.01,
    min_lift: Annotated[float, Query(ge=1, le=1000, description="Smallest smoothed rate ratio")] = 1.5,
    baseline_periods: Annotated[
        int, Query(ge=1, le=12, description="Baseline length, in periods as long as the range")
    ] = 4,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> TrendsRead:
    params = TrendParams(
        min_count=min_count, alpha=alpha, min_lift=min_lift, baseline_periods=baseline_periods, limit=limit
    )
    found = rising(session, filters, rng, params)
    return TrendsRead(
        brand=_brand_name(session, filters),
        since=rng.since,
        until=rng.until,
        baseline_since=found["baseline"]["since"],
        baseline_until=found["baseline"]["until"],
        mentions=found["mentions"],
        baseline_mentions=found["baseline_mentions"],
        **{kind: [TrendRead(**t) for t in found[kind]] for kind in ("topics", "hashtags", "terms")},
    )
