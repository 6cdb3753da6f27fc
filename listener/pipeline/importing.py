"""Read mentions from JSON lines or CSV files, validate each one, store them in batches.

Accepts what ``listener export`` writes (analysis and workflow fields are ignored: they are
recomputed or belong to this installation). Every bad line (not JSON, not a mention, or naming a
brand that does not exist) is reported with its number in the file and skipped; the others are
stored. Re-importing a file stores nothing twice.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from listener.engine.new_mentions import alert_on_new
from listener.errors import ListenerError, Unprocessable, validation_details
from listener.pipeline.exporting import LOCAL_COLUMNS
from listener.pipeline.ingest import store_batch
from listener.schemas.mentions import MentionIn
from listener.settings import Settings
from listener.storage.db import session_scope

BATCH = 1000
EXPORT_ONLY = {
    "id",
    "sentiment",
    *LOCAL_COLUMNS,
    "entities",
    "keyphrases",
    "language_confidence",
    "collected_at",
    "notes",
}
CSV_AUTHOR = {"author_handle": "handle", "author_name": "name", "author_reach": "reach"}
CSV_EXPORT_ONLY = EXPORT_ONLY | {"sentiment_score", "sentiment_label"}


@dataclass(slots=True)
class ImportReport:
    lines: int = 0
    created: int = 0
    duplicates: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)

    def bad_line(self, number: int, problem: str) -> None:
        """Count line ``number`` (1-based, as in the file) as invalid, saying why."""
        self.invalid += 1
        self.problems.append(f"line {number}: {problem}")


def _from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    author: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or key in CSV_EXPORT_ONLY or value in ("", None):
            continue
        if key in CSV_AUTHOR:
            author[CSV_AUTHOR[key]] = value
        elif key == "brands":  # every linked brand, ";"-separated as export writes them
            out[key] = [b.strip() for b in value.split(";") if b.strip()]
        else:
            out[key] = value
    if author:
        out["author"] = author
    return out


def read_records(stream: TextIO, fmt: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(line number, record)`` per input line; a string instead of a record says what is wrong."""
    if fmt == "csv":
        reader = csv.DictReader(stream)
        for row in reader:
            yield reader.line_num, _from_csv_row(row)
        return
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield number, "a line must be a JSON object"
            continue
        yield number, {k: v for k, v in obj.items() if k not in EXPORT_ONLY}


def format_of(path: Path, fmt: str | None) -> str:
    """``jsonl`` or ``csv``, from ``fmt`` or the file name."""
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if fmt not in ("jsonl", "csv"):
        raise ListenerError(f"unknown format {fmt!r}; use jsonl or csv")
    return fmt


def import_stream(
    sessions: sessionmaker[Session],
    records: Iterable[tuple[int, dict[str, Any] | str]],
    *,
    settings: Settings,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate and store ``records`` in transactions of ``BATCH`` mentions; every bad line is in
    the report's ``problems`` as ``line N: <what is wrong>``. Per-mention alert rules run on each
    batch with ``settings``."""
    report = ImportReport()
    batch: dict[int, dict[str, Any]] = {}  # line number -> mention

    def flush() -> None:
        if batch:
            _store(sessions, batch, report, settings)
            if progress:
                progress(len(batch))
            batch.clear()

    for number, record in records:
        report.lines += 1
        problem = record if isinstance(record, str) else None
        if problem is None:
            try:
                batch[number] = MentionIn.model_validate(record).model_dump()
            except ValidationError as exc:
                d = validation_details(list(exc.errors()))[0]
                problem = f"{d['field'] or 'record'}: {d['message']}"
        if problem is not None:
            report.bad_line(number, problem)
            if progress:
                progress(1)
        if len(batch) >= BATCH:
            flush()
    flush()
    return report


def _store(
    sessions: sessionmaker[Session],
    batch: dict[int, dict[str, Any]],
    report: ImportReport,
    settings: Settings,
) -> None:
    """Store one batch in one transaction; lines naming an unknown brand are reported and the
    batch is stored without them."""
    numbers = list(batch)
    while numbers:
        try:
            with session_scope(sessions) as session:
                outcome = store_batch(session, [batch[n] for n in numbers])
                alert_on_new(session, outcome.created_ids, settings=settings)
        except Unprocessable as exc:
            refused = _refused_items(exc)
            if not refused:
                raise
            for index, problem in sorted(refused.items()):
                report.bad_line(numbers[index], problem)
            numbers = [n for i, n in enumerate(numbers) if i not in refused]
            continue
        report.created += outcome.created
        report.duplicates += outcome.duplicates
        return


def _refused_items(exc: Unprocessable) -> dict[int, str]:
    """``{index in the batch: "field: message; …"}`` from ``store_batch``'s unknown-brand error."""
    refused: dict[int, list[str]] = {}
    for d in exc.details if isinstance(exc.details, list) else []:
        if isinstance(d, dict) and isinstance(d.get("index"), int):
            refused.setdefault(d["index"], []).append(f"{d.get('field')}: {d.get('message')}")
    return {i: "; ".join(said) for i, said in refused.items()}
