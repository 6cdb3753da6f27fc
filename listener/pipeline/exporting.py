"""Streamed export of the filtered feed as JSON lines or CSV, in constant memory.

The rows are read in keyset pages of ``PAGE`` from a session of the exporter's own (the request's
session is gone by the time a streamed body is sent), and written line by line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from listener.storage.db import session_scope
from listener.storage.mentions import MentionFilter, feed_page, linked_brand_ids
from listener.storage.models import Brand, Mention

PAGE = 1000
CSV_COLUMNS = [
    "id",
    "platform",
    "external_id",
    "brand",
    "brands",
    "url",
    "kind",
    "title",
    "text",
    "author_handle",
    "author_name",
    "author_reach",
    "rating",
    "published_at",
    "language",
    "sentiment_score",
    "sentiment_label",
    "topics",
    "crisis_terms",
    "status",
    "assignee",
    "tags",
    "duplicate_of",
]


def export_record(m: Mention, names: dict[int, str], extra: Sequence[int] = ()) -> dict[str, Any]:
    """A mention in the ingest shape plus its analysis and workflow fields (re-importable):
    ``brand`` is the primary brand, ``brands`` every linked one (``extra``: the other brand ids)."""
    linked = ([m.brand_id] if m.brand_id is not None else []) + [b for b in extra if b != m.brand_id]
    return {
        "id": m.id,
        "platform": m.platform,
        "external_id": m.external_id,
        "brand": names.get(m.brand_id) if m.brand_id is not None else None,
        "brands": [names[b] for b in linked if b in names],
        "url": m.url,
        "kind": m.kind,
        "title": m.title,
        "text": m.text,
        "author": {"handle": m.author_handle, "name": m.author_name, "reach": m.author_reach},
        "engagement": m.engagement or {},
        "rating": m.rating,
        "published_at": m.published_at.isoformat().replace("+00:00", "Z"),
        "language": m.language,
        "sentiment": {"score": m.sentiment_score, "label": m.sentiment_label},
        "topics": m.topics or [],
        "crisis_terms": m.crisis_terms or [],
        "status": m.status,
        "assignee": m.assignee,
        "tags": m.tags or [],
        "duplicate_of": m.duplicate_of,
    }


def _csv_row(rec: dict[str, Any]) -> list[Any]:
    flat = {
        **rec,
        "author_handle": rec["author"]["handle"],
        "author_name": rec["author"]["name"],
        "author_reach": rec["author"]["reach"],
        "sentiment_score": rec["sentiment"]["score"],
        "sentiment_label": rec["sentiment"]["label"],
        "brands": ";".join(rec["brands"]),
        "topics": ";".join(rec["topics"]),
        "crisis_terms": ";".join(rec["crisis_terms"]),
        "tags": ";".join(rec["tags"]),
    }
    return ["" if flat[c] is None else flat[c] for c in CSV_COLUMNS]


def iter_records(session: Session, filters: MentionFilter) -> Iterator[dict[str, Any]]:
    """Every mention matching ``filters``, newest first, as export records."""
    names = {i: n for i, n in session.execute(select(Brand.id, Brand.name))}
    after = None
    while True:
        rows, after = feed_page(session, filters, after=after, limit=PAGE)
        extra = linked_brand_ids(session, [m.id for m in rows])
        for m in rows:
            yield export_record(m, names, extra.get(m.id, []))
        session.expunge_all()
        if after is None:
            return


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, quoted with a leading apostrophe."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA) else cell


def csv_document(
    session: Session, filters: MentionFilter, limit: int | None = None
) -> tuple[bytes, int, bool]:
    """The mentions matching ``filters`` as one CSV file for people (reports): UTF-8 with a BOM
    (spreadsheet apps then read Turkish letters right), formula-like cells quoted; at most
    ``limit`` rows. Returns the bytes, the row count and whether rows were left out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for rec in iter_records(session, filters):
        if limit is not None and rows >= limit:
            return ("\ufeff" + buffer.getvalue()).encode("utf-8"), rows, True
        writer.writerow([_spreadsheet_safe(c) for c in _csv_row(rec)])
        rows += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), rows, False


def export_lines(sessions: sessionmaker[Session], filters: MentionFilter, fmt: str) -> Iterator[str]:
    """The export as text chunks (one per line, a header first for CSV)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    if fmt == "csv":
        writer.writerow(CSV_COLUMNS)
        yield flush()
    with session_scope(sessions) as session:
        for rec in iter_records(session, filters):
            if fmt == "csv":
                writer.writerow(_csv_row(rec))
                yield flush()
            else:
                yield json.dumps(rec, ensure_ascii=False) + "\n"
