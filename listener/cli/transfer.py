"""``listener import`` and ``listener export``: mentions in and out as JSON lines or CSV."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from listener.cli.common import fail, load_settings, ready_engine, user_errors
from listener.errors import ListenerError
from listener.storage.db import make_session_factory, session_scope
from listener.storage.lookup import resolve_brand
from listener.storage.mentions import MentionFilter
from listener.storage.times import aware


def import_(
    file: Annotated[
        Path, typer.Argument(help="JSON lines or CSV of mentions; '-' reads JSON lines from stdin")
    ],
    format: Annotated[str | None, typer.Option(help="jsonl or csv (default: from the file name)")] = None,
) -> None:
    """Import mentions (idempotent: known (platform, external_id) are counted as duplicates). Each
    bad line is reported by its number and skipped, the others are stored; exit 1 if any was bad."""
    # imported here to keep CLI startup fast: importing analyses each mention (the NLP pipeline)
    from listener.pipeline.importing import format_of, import_stream, read_records

    settings = load_settings()
    sessions = make_session_factory(ready_engine(settings))
    try:
        fmt = format_of(file, format)
    except ListenerError as exc:
        raise fail(exc.message, 2) from exc
    if str(file) != "-" and not file.is_file():
        raise fail(f"no such file: {file}", 2)
    stream = sys.stdin if str(file) == "-" else file.open(encoding="utf-8", newline="")
    try:
        with stream, user_errors(), Progress(transient=True, console=None) as bar:
            task = bar.add_task("importing", total=None)
            records = read_records(stream, fmt)
            report = import_stream(
                sessions, records, settings=settings, progress=lambda n: bar.advance(task, n)
            )
    except UnicodeDecodeError as exc:
        raise fail(f"cannot read {file}: it is not UTF-8 text (import stopped there)") from exc
    except csv.Error as exc:
        raise fail(f"cannot read {file} as CSV: {exc} (import stopped there)") from exc
    for problem in report.problems:
        typer.echo(f"  {problem}", err=True)
    typer.echo(
        f"read {report.lines} line(s): {report.created} created, {report.duplicates} duplicate(s), "
        f"{report.invalid} invalid"
    )
    if report.invalid:
        raise typer.Exit(1)


def export(
    format: Annotated[str, typer.Option(help="jsonl or csv")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout)")
    ] = None,
    brand: Annotated[str | None, typer.Option(help="Only this brand (name or id)")] = None,
    since: Annotated[datetime | None, typer.Option(help="From this time (UTC)")] = None,
    until: Annotated[datetime | None, typer.Option(help="Until this time (UTC)")] = None,
) -> None:
    """Export mentions, newest first, in constant memory."""
    # imported here to keep CLI startup fast: the exporter is needed only by this command
    from listener.pipeline.exporting import export_lines

    if format not in ("jsonl", "csv"):
        raise fail(f"unknown format {format!r}; use jsonl or csv", 2)
    sessions = make_session_factory(ready_engine(load_settings()))
    with user_errors():
        brand_ids = None
        if brand:
            with session_scope(sessions) as session:
                brand_ids = [resolve_brand(session, brand).id]
        f = MentionFilter(brand_ids=brand_ids, since=aware(since, "since"), until=aware(until, "until"))
        # a file, or stdout as UTF-8 whatever the locale (and left open afterwards)
        target = output if output else sys.stdout.fileno()
        try:
            fh = open(target, "w", encoding="utf-8", newline="", closefd=output is not None)  # noqa: SIM115
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror}") from exc
        with fh:
            for chunk in export_lines(sessions, f, format):
                fh.write(chunk)
