"""Seed the demo: the brand Acme with competitors Globex and Initech, then the bundled sample, and
the "Live replay (demo)" source that plays the same sample again as new mentions arriving now."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from listener.demo import SAMPLE_PATH
from listener.pipeline.importing import ImportReport, import_stream, read_records
from listener.settings import Settings
from listener.storage.db import session_scope
from listener.storage.models import Brand, Query, Source

DEMO_BRANDS = {
    "Globex": {"aliases": ["Globex Corp"], "products": []},
    "Initech": {"aliases": [], "products": []},
    "Acme": {"aliases": ["Acme Corp", "AcmeCorp"], "products": ["Acme Pay", "Acme Prime", "Acme app"]},
}
DEMO_QUERIES = [
    (
        "Acme",
        "Acme mentions",
        '(acme OR @acme OR #acme OR "acme pay" OR "acme prime") AND NOT (hiring OR job*)',
        "own",
    ),
    ("Globex", "Globex (competitor of Acme)", "globex OR @globex OR #globex", "competitor"),
    ("Initech", "Initech (competitor of Acme)", "initech OR @initech OR #initech", "competitor"),
]


def seed_brands(session: Session) -> Brand:
    """Create the demo brands and queries if missing; returns Acme."""
    found = {b.name: b for b in session.scalars(select(Brand))}
    for name, data in DEMO_BRANDS.items():
        if name not in found:
            found[name] = Brand(name=name, lexicon={}, **data)
            session.add(found[name])
    acme = found["Acme"]
    if not acme.competitors:
        acme.competitors = [found["Globex"], found["Initech"]]
    session.flush()
    if session.scalar(select(Query.id).where(Query.brand_id == acme.id)) is None:
        for brand, name, expression, role in DEMO_QUERIES:
            session.add(Query(brand_id=found[brand].id, name=name, expression=expression, role=role))
    session.flush()
    return acme


def seed(sessions: sessionmaker[Session], settings: Settings) -> ImportReport:
    """Brands, queries and the sample mentions (idempotent: a second run adds nothing)."""
    with session_scope(sessions) as session:
        seed_brands(session)
    with SAMPLE_PATH.open(encoding="utf-8") as fh:
        return import_stream(sessions, read_records(fh, "jsonl"), settings=settings)


LIVE_SOURCE_NAME = "Live replay (demo)"
LIVE_SPEED = 2016.0  # the sample's 14 days in 10 minutes
LIVE_INTERVAL_SECONDS = 30


def seed_live_source(
    session: Session,
    *,
    enabled: bool = True,
    speed: float = LIVE_SPEED,
    interval_seconds: int = LIVE_INTERVAL_SECONDS,
    run: str | None = None,
) -> Source:
    """Create or refresh the demo's replay source (one row, found by name) and restart its replay.

    Each call starts the sample over from "now" (cursor cleared, due at once) with external ids
    ``live-<run>-<id>``, ``run`` defaulting to the current UTC time, so every demo start shows new
    mentions rather than duplicates of the imported sample or of an earlier run's replay.
    """
    run = run or datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    source = session.scalar(
        select(Source).where(Source.name == LIVE_SOURCE_NAME, Source.platform == "replay").order_by(Source.id)
    )
    if source is None:
        source = Source(name=LIVE_SOURCE_NAME, platform="replay")
        session.add(source)
    source.params = {"path": str(SAMPLE_PATH), "speed": speed, "id_prefix": f"live-{run}-"}
    source.interval_seconds = interval_seconds
    source.enabled = enabled
    source.cursor = None
    source.status = "ok"
    source.consecutive_failures = 0
    source.next_run_at = None
    source.lease_owner = source.lease_expires_at = None
    session.flush()
    return source
