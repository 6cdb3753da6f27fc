"""``insert_new``: the mention rows a batch creates, byte for byte what SQLAlchemy's own insert
writes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from listener.storage.mentions import existing_keys, insert_new
from listener.storage.models import Mention

T = datetime(2026, 11, 10, 12, 0, 0, 123456, tzinfo=UTC)


def row(i: int, **kw) -> dict:
    out = {
        "platform": "twitter", "external_id": f"x{i}", "brand_id": None, "source_id": None,
        "url": None if i % 2 else f"https://x.com/{i}", "kind": "post", "title": None,
        "text": f"text {i} ünïcode ✓ 'quoted' \"double\"", "author_handle": f"u{i}", "author_name": None,
        "author_reach": i * 1000, "engagement": {"likes": i}, "rating": 4.5 if i % 3 else None,
        "details": {}, "published_at": T + timedelta(minutes=i), "collected_at": T,
        "language_hint": None, "status": "new", "tags": [], "notes": [], "updated_at": T,
        "in_reply_to": None, "language": "en", "language_confidence": 0.9876,
        "sentiment_score": -0.25, "sentiment_label": "negative",
        "sentiment_drivers": [{"phrase": "late", "weight": -0.5}], "topics": ["delivery"],
        "entities": [], "crisis_terms": [], "keyphrases": ["text"], "analysis_versions": {"nlp": "1"},
        "analyzed_at": datetime(2026, 11, 10, 14, 0, tzinfo=timezone(timedelta(hours=2))),  # not UTC
    }  # fmt: skip
    out.update(kw)
    return out


def raw_rows(session: Session) -> list[tuple]:
    names = ", ".join(c.name for c in Mention.__table__.columns if c.name != "id")
    return [tuple(r) for r in session.execute(text(f"SELECT {names} FROM mention ORDER BY external_id"))]


def test_rows_are_stored_as_sqlalchemy_stores_them(engine):
    rows = [row(i) for i in range(1, 1201)]  # more than one statement's worth
    rows[5]["text"] = "tab\there\nnew line\r\nback\\slash \\N \\t literal"
    rows[6]["sentiment_drivers"] = [{"phrase": "a\\b\tc\nd", "weight": 1e-9}]
    rows[7]["title"] = ""  # empty, not NULL
    rows[8]["published_at"] = datetime(2026, 11, 10, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    with Session(engine) as s:
        s.execute(insert(Mention), rows)  # the ORM-free Core insert: the reference
        expected = raw_rows(s)
        s.rollback()
    with Session(engine) as s:
        created = insert_new(s, rows)
        assert sorted(e for _, _, e in created) == sorted(r["external_id"] for r in rows)
        assert raw_rows(s) == expected
        stored = s.scalars(select(Mention).where(Mention.external_id == "x2")).one()
        assert stored.analyzed_at == datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
        assert stored.published_at == T + timedelta(minutes=2) and stored.engagement == {"likes": 2}


def test_known_keys_are_skipped_and_only_new_ids_returned(engine):
    with Session(engine) as s:
        first = insert_new(s, [row(1), row(2)])
        again = insert_new(s, [row(2), row(3), row(1)])
        assert [e for _, _, e in again] == ["x3"]
        assert {i for i, _, _ in first}.isdisjoint({i for i, _, _ in again})
        assert s.scalar(text("SELECT count(*) FROM mention")) == 3


def test_a_naive_time_is_refused_and_nothing_is_stored(engine):
    with Session(engine) as s:
        with pytest.raises(ValueError, match="naive datetime"):
            insert_new(s, [row(1), row(2, published_at=datetime(2026, 11, 10, 12, 0))])
        s.rollback()
        assert s.scalar(text("SELECT count(*) FROM mention")) == 0


def test_existing_keys_finds_stored_pairs_across_platforms(engine):
    odd = ["x1", 'it\'s "quoted"', "ünï ✓", "[1, 2]", "x'); DROP TABLE mention; --"]
    with Session(engine) as s:
        insert_new(s, [row(i, external_id=e) for i, e in enumerate(odd)])
        insert_new(s, [row(9, platform="reddit", external_id="x1")])
        asked = {("twitter", e) for e in odd} | {("reddit", "x1"), ("reddit", "x2"), ("rss", "x1")}
        asked |= {("twitter", f"y{i}") for i in range(1500)}
        assert existing_keys(s, asked) == {("twitter", e) for e in odd} | {("reddit", "x1")}
        assert existing_keys(s, []) == set()
