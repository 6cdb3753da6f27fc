"""``listener score`` and ``listener reanalyze``."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated, TextIO, cast

import orjson
import typer
from rich.progress import Progress

from listener.cli.common import fail, load_settings, ready_engine, user_errors
from listener.storage.db import make_session_factory, session_scope
from listener.storage.lookup import resolve_brand
from listener.storage.times import aware


def score(
    text: Annotated[
        list[str] | None, typer.Argument(help="Texts to score; without any, JSON lines on stdin")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language hint for texts given as arguments")] = None,
) -> None:
    """Score texts: JSON lines in (text, optional language, rating, brand, platform, title, kind),
    one JSON line out per input, in order, streaming (constant memory). A bad line gets an
    ``{"error": …}`` line and scoring goes on; the exit code is then 1."""
    # imported here to keep CLI startup fast: the NLP pipeline (spaCy) loads only to score
    from nlp.stream import score_lines

    load_settings(find_demo=False)
    if text:
        lines = [orjson.dumps({"text": t, "language": language}).decode() for t in text]
    else:
        if sys.stdin.isatty():
            raise fail("give texts as arguments or JSON lines on stdin (see `listener score --help`)", 2)
        lines = sys.stdin
    out = _ErrorTally(sys.stdout)
    written = score_lines(lines, cast(TextIO, out))
    sys.stdout.flush()
    if out.errors:
        raise fail(f"{out.errors} of {written} line(s) could not be scored (see their error lines)")


class _ErrorTally:
    """Writes ``score_lines``' output through to ``out``, counting its ``{"error": …}`` lines."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.errors = 0

    def write(self, text: str) -> int:
        self.errors += sum(line.startswith('{"error":') for line in text.splitlines())
        return self.out.write(text)


def reanalyze(
    brand: Annotated[str | None, typer.Option(help="Only this brand (name or id)")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only mentions published since (UTC)")] = None,
) -> None:
    """Re-score stored mentions after a rule, lexicon or taxonomy change; manual overrides are kept."""
    # imported here to keep CLI startup fast: the NLP pipeline (spaCy) loads only to reanalyse
    from listener.pipeline import reanalysis

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
