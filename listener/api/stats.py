"""Charts: volume per hour or day by sentiment label, and share of voice against competitors."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from listener.deps import FilterDep, SessionDep, Viewer
from listener.errors import Unprocessable
from listener.storage.base import utcnow
from listener.storage.lookup import resolve_brand
from listener.storage.stats import STEP, counts_by_brand, floor, volume

router = APIRouter(prefix="/stats", tags=["stats"])
MAX_BUCKETS = 24 * 400


class VolumeBucket(BaseModel):
    bucket: datetime
    total: int
    positive: int
    negative: int
    neutral: int
    unscored: int


class VolumeRead(BaseModel):
    interval: str
    since: datetime
    until: datetime
    buckets: list[VolumeBucket]


class VoiceShare(BaseModel):
    brand: str
    role: Literal["own", "competitor"]
    mentions: int
    share: float
    positive: int
    negative: int
    neutral: int


class ShareOfVoiceRead(BaseModel):
    brand: str
    since: datetime
    until: datetime
    total: int
    brands: list[VoiceShare]


def _window(filters, interval: str, default: timedelta):  # type: ignore[no-untyped-def]
    until = filters.until or floor(utcnow(), interval) + STEP[interval]
    since = filters.since or until - default
    if (until - since) / STEP[interval] > MAX_BUCKETS:
        raise Unprocessable(
            f"too many buckets; at most {MAX_BUCKETS} {interval}s per request", details=[{"field": "since"}]
        )
    return replace(filters, since=since, until=until)


@router.get("/volume", summary="Mention counts per hour or day, by sentiment label")
def volume_stats(
    session: SessionDep,
    _: Viewer,
    filters: FilterDep,
    interval: Annotated[Literal["hour", "day"], Query()] = "hour",
) -> VolumeRead:
    f = _window(filters, interval, timedelta(days=7 if interval == "hour" else 30))
    buckets = [VolumeBucket(**b) for b in volume(session, f, interval)]
    return VolumeRead(interval=interval, since=f.since, until=f.until, buckets=buckets)


@router.get("/share-of-voice", summary="Own brand vs its competitors in a time range")
def share_of_voice(
    session: SessionDep,
    _: Viewer,
    filters: FilterDep,
    brand: Annotated[str, Query(description="The own brand (id or name)")],
) -> ShareOfVoiceRead:
    own = resolve_brand(session, brand)
    f = _window(filters, "day", timedelta(days=30))
    members = [own, *own.competitors]
    counts = counts_by_brand(session, replace(f, brand_ids=[b.id for b in members]))
    total = sum(sum(c.values()) for c in counts.values())
    shares = []
    for b in members:
        c = counts.get(b.id, {})
        n = sum(c.values())
        shares.append(
            VoiceShare(
                brand=b.name,
                role="own" if b.id == own.id else "competitor",
                mentions=n,
                share=round(n / total, 4) if total else 0.0,
                positive=c.get("positive", 0),
                negative=c.get("negative", 0),
                neutral=c.get("neutral", 0),
            )
        )
    return ShareOfVoiceRead(brand=own.name, since=f.since, until=f.until, total=total, brands=shares)
