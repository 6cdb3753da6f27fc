"""``listener score`` and ``listener reanalyze``."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import orjson
import typer
from rich.progress import Progress

from listener.cli.common import fail, load_settings, ready_engine, user_errors
from listener.pipeline import reanalysis
from listener.storage.db import make_session_factory, session_scope
from listener.storage.lookup import resolve_brand
from listener.storage.times import aware
from nlp.stream import score_lines


def score(
    text: Annotated[
        list[str] | None, typer.Argument(help="Texts to score; without any, JSON lines on stdin")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language hint for texts given as arguments")] = None,
) -> None:
    """Score texts: JSON lines in (text, optional language, rating, brand, platform, title, kind),
    one JSON line out per input, in order, streaming (constant memory)."""

    load_settings()
    if text:
        lines = [orjson.dumps({"text": t, "language": language}).decode() for t in text]
    else:
        if sys.stdin.isatty():
            raise fail("give texts as arguments or JSON lines on stdin (see `listener score --help`)", 2)
        lines = sys.stdin
    score_lines(lines, sys.stdout)
    sys.stdout.flush()


def reanalyze(
    brand: Annotated[str | None, typer.Option(help="Only this brand (name or id)")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only mentions published since (UTC)")] = None,
) -> None:
    """Re-score stored mentions after a rule, lexicon or taxonomy change; manual overrides are kept."""

    sessions = make_session_factory(ready_engine(load_settings()))
    with user_errors():
        with session_scope(sessions) as session:
            brand_id = resolve_brand(session, brand).id if brand else None
            total = reanalysis.count(session, brand_id=brand_id, since=aware(since, "since"))
        with Progress(transient=True) as bar:
            task = bar.add_task("reanalysing", total=total)
            report = reanalysis.reanalyze(
                sessions,
                brand_id=brand_id,
                since=aware(since, "since"),
                progress=lambda n: bar.advance(task, n),
            )
    typer.echo(
        f"reanalysed {report.mentions} mention(s): {report.changed_labels} changed label, "
        f"{report.kept_overrides} manual override(s) kept"
    )
