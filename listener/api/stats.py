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
from listener.storage.stats import STEP, floor, volume
from listener.storage.stats import share_of_voice as share_of_voice_rows

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
    shares = [VoiceShare(**row) for row in share_of_voice_rows(session, [own, *own.competitors], {own.id}, f)]
    total = sum(s.mentions for s in shares)
    return ShareOfVoiceRead(brand=own.name, since=f.since, until=f.until, total=total, brands=shares)
