"""``listener worker``, ``listener collect --once`` and ``listener sources`` (the health table)."""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy import select

from listener.cli.common import fail, load_settings, ready_engine
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Source

if TYPE_CHECKING:
    from listener.worker.collection import RunResult

log = logging.getLogger(__name__)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"


def _line(result: RunResult) -> str:
    error = result.error or "-"
    return (
        f"{result.name} (#{result.source_id}): {result.created} new, {result.duplicates} duplicate(s), "
        f"{result.unmatched} matching no query, "
        f"error: {error}, next run: {_when(result.next_run_at)}"
    )


def _log_run(result: RunResult) -> None:
    log.log(logging.WARNING if result.error else logging.INFO, "%s", _line(result))


def worker() -> None:
    """Run the collection scheduler until SIGTERM or Ctrl-C; several workers can share PostgreSQL."""
    # imported here to keep CLI startup fast: the scheduler, collectors and NLP load only to run them
    from listener.worker.alert_jobs import Outbox
    from listener.worker.publish_jobs import Publishing
    from listener.worker.push_jobs import Pushing
    from listener.worker.scheduler import Collecting, build_scheduler
    from nlp import get_pipeline

    settings = load_settings()
    sessions = make_session_factory(ready_engine(settings))
    get_pipeline()  # loaded before the first tick, not inside the first source's run
    collecting = Collecting(settings, sessions, on_result=_log_run)
    outbox = Outbox(sessions, settings)
    publishing = Publishing(sessions, settings)
    pushing = Pushing(sessions, settings)
    scheduler = build_scheduler(
        settings, sessions, collecting=collecting, outbox=outbox, publishing=publishing, pushing=pushing
    )

    def stop(signum: int, _frame: Any) -> None:
        log.info("received %s, stopping after the current runs", signal.Signals(signum).name)
        collecting.stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker %s started", collecting.worker)
    try:
        if not collecting.stopping.is_set():
            scheduler.start()
    finally:
        collecting.close()
        outbox.close()
        publishing.close()
        pushing.close()
    log.info("worker %s stopped", collecting.worker)


def collect(
    once: Annotated[bool, typer.Option("--once", help="Run the sources now, once, and exit")] = False,
    source: Annotated[int | None, typer.Option("--source", help="Only this source id (any status)")] = None,
    backfill: Annotated[
        int | None,
        typer.Option("--backfill", min=1, max=365, help="Also walk this many days of history (resumable)"),
    ] = None,
) -> None:
    """Collect now from every enabled source (or one), ignoring schedules; exit 1 if any failed.

    With ``--backfill DAYS`` the sources whose platform can walk its history are run step after step
    until DAYS are read back (or a rate limit or error stops one: it goes on at the worker's runs,
    or when the command is run again)."""

    if not once and backfill is None:
        raise fail("only `collect --once` is supported; run `listener worker` to collect on a schedule", 2)
    # imported here to keep CLI startup fast: the collectors and NLP load only to collect
    from listener.worker.scheduler import run_once

    settings = load_settings()
    sessions = make_session_factory(ready_engine(settings))
    if backfill is not None:
        _backfill(settings, sessions, backfill, source, run_once)
        return
    results = run_once(settings, sessions, source, on_result=lambda r: typer.echo(_line(r)))
    if source is not None and not results:
        raise fail(f"source {source} does not exist, is disabled or is being run by another worker")
    if not results:
        typer.echo("no enabled source to run")
    if any(r.error and not r.skipped for r in results):
        raise typer.Exit(1)


def _backfill(settings: Any, sessions: Any, days: int, source: int | None, run_once: Any) -> None:
    # imported here to keep CLI startup fast: backfill runs the collectors (and NLP)
    from listener.worker.backfill import run as run_backfill

    done, unfinished = run_backfill(
        settings, sessions, days, source, now=datetime.now(UTC), run_once=run_once,
        on_result=lambda r: typer.echo(_line(r) + (f" ({r.backfill_warning})" if r.backfill_warning else "")),
    )  # fmt: skip
    if not done and not unfinished:
        raise fail("no source to backfill: none is enabled on a platform that can walk its history")
    typer.echo(f"backfill of {days} day(s): {len(done)} source(s) done, {len(unfinished)} unfinished")
    if unfinished:
        typer.echo("unfinished sources continue at the worker's next runs (or run this command again): "
                   + ", ".join(f"#{i}" for i in unfinished))  # fmt: skip
        raise typer.Exit(1)


def sources() -> None:
    """Print each source's health: status, last success and error, failures, schedule, what it
    collected (items seen; stored; dropped as matching no query; duplicates) and its rate budget."""
    settings = load_settings()
    sessions = make_session_factory(ready_engine(settings))
    header = ("id", "name", "platform", "status", "last success", "last error", "failures", "next run",
              "seen", "stored", "no query", "dupes", "rate left")  # fmt: skip
    rows = [header]
    with session_scope(sessions) as session:
        for s in session.scalars(select(Source).order_by(Source.id)):
            rows.append(
                (
                    str(s.id),
                    _short(s.name, 30),
                    s.platform,
                    s.status if s.enabled else f"{s.status} (disabled)",
                    _when(s.last_success_at),
                    _short(s.last_error or "-", 48),
                    str(s.consecutive_failures or 0),
                    _when(s.next_run_at),
                    str(s.items_seen or 0),
                    str(s.mentions_collected or 0),
                    str(s.items_unmatched or 0),
                    str(s.items_duplicate or 0),
                    "-" if s.rate_limit_remaining is None else str(s.rate_limit_remaining),
                )
            )
    if len(rows) == 1:
        typer.echo("no sources yet: create one with POST /api/v1/sources")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
