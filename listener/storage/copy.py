"""``copy_insert``: PostgreSQL's fast path for a batch of new rows, COPY into a temporary table and
one ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``.

A multi-row ``INSERT … VALUES`` of 1,000 rows x 30 columns (SQLAlchemy's insertmanyvalues) costs
psycopg more in splitting its 30,000 placeholders than the server spends inserting; COPY sends the
rows as one text stream with no placeholders at all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def copy_insert(
    session: Session,
    table: str,
    rows: Sequence[dict[str, Any]],
    json_columns: Collection[str],
    conflict: str,
    returning: str,
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (column dicts, all with the keys of the first; names are trusted code, never
    input) into ``table`` inside the session's transaction, skipping rows that clash on the unique
    ``conflict`` columns; returns the ``returning`` columns of the rows created. A naive datetime is
    refused (``ValueError``), as on every other write path."""
    columns = list(rows[0])
    names = ", ".join(columns)
    as_json = [c in json_columns for c in columns]
    staging = f"{table}_in"
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        cur.execute(f"TRUNCATE {staging}")
        with cur.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = [row[c] for c in columns]
                if any(v.__class__ is datetime and v.tzinfo is None for v in values):
                    # COPY would read it in the session's zone; the ORM path refuses it (UTCDateTime)
                    raise ValueError("naive datetime given to a UTC column; attach a timezone")
                copy.write_row(
                    [_json(v) if j and v is not None else v for v, j in zip(values, as_json, strict=True)]
                )
        cur.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {returning}"
        )
        return list(cur.fetchall())
