"""Seed the demo: the brand Acme with competitors Globex and Initech, then the bundled sample."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from listener.demo import SAMPLE_PATH
from listener.importing import ImportReport, import_stream, read_records
from listener.storage.db import session_scope
from listener.storage.models import Brand, Query

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


def seed(sessions: sessionmaker[Session]) -> ImportReport:
    """Brands, queries and the sample mentions (idempotent: a second run adds nothing)."""
    with session_scope(sessions) as session:
        seed_brands(session)
    with SAMPLE_PATH.open(encoding="utf-8") as fh:
        return import_stream(sessions, read_records(fh, "jsonl"))
