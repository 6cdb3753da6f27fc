"""The ``listener`` commands: serve, demo, migrate, config, keys, import, export."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.progress import Progress
from sqlalchemy import select

from listener.app import create_app
from listener.auth import create_key, revoke_key
from listener.cli.alerts import backtest
from listener.cli.collect import collect, sources, worker
from listener.cli.common import fail, install_defaults, load_settings, ready_engine, user_errors
from listener.cli.keys import keys_app
from listener.cli.nlp import reanalyze, score
from listener.cli.users import users_app
from listener.demo import demo_settings
from listener.demo.alerts import replay, seed_alerts
from listener.demo.people import DEMO_PASSWORD, seed_people
from listener.demo.seed import seed, seed_live_source
from listener.demo.sink import DemoSink, describe
from listener.engine.delivery import outbound_client
from listener.errors import NotFound
from listener.pipeline.exporting import export_lines
from listener.pipeline.importing import format_of, import_stream, read_records
from listener.storage import migrate as migrations
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.lookup import resolve_brand
from listener.storage.mentions import MentionFilter
from listener.storage.models import Channel, Incident
from listener.storage.times import aware
from listener.worker import alert_jobs
from listener.worker.scheduler import Collecting

app = typer.Typer(
    help="Listener: self-hosted social listening and reputation monitoring.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.command()(score)
app.command()(worker)
app.command()(collect)
app.command()(sources)
app.command()(reanalyze)
app.command()(backtest)

DEMO_DATABASE = "sqlite:///./listener-demo.db"


def _serve(settings, engine) -> None:  # type: ignore[no-untyped-def]

    uvicorn.run(
        create_app(settings, engine=engine), host=settings.host, port=settings.port, log_level="warning"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (LISTENER_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LISTENER_PORT)")] = None,
) -> None:
    """Serve the API and the pages. An empty database is migrated first."""
    settings = load_settings(host=host, port=port)
    engine = ready_engine(settings)
    typer.echo(f"Listener serving on http://{settings.host}:{settings.port}  (API docs at /docs)", err=True)
    _serve(settings, engine)


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema (safe to run again)."""

    settings = load_settings()
    engine = make_engine(settings.database_url)
    migrations.upgrade(engine)
    install_defaults(engine)
    typer.echo(f"database at revision {migrations.head_revision()}")


@app.command()
def config() -> None:
    """Print the effective settings as JSON (secrets shown only as "set")."""
    typer.echo(json.dumps(load_settings().public_dict(), indent=2, default=str))


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="JSON lines or CSV of mentions; '-' reads JSON lines from stdin")
    ],
    format: Annotated[str | None, typer.Option(help="jsonl or csv (default: from the file name)")] = None,
) -> None:
    """Import mentions (idempotent: known (platform, external_id) are counted as duplicates)."""

    settings = load_settings()
    sessions = make_session_factory(ready_engine(settings))
    with user_errors():
        fmt = format_of(file, format)
    if str(file) != "-" and not file.is_file():
        raise fail(f"no such file: {file}", 2)
    stream = sys.stdin if str(file) == "-" else file.open(encoding="utf-8", newline="")
    with stream, user_errors(), Progress(transient=True, console=None) as bar:
        task = bar.add_task("importing", total=None)
        report = import_stream(sessions, read_records(stream, fmt), progress=lambda n: bar.advance(task, n))
    for problem in report.problems:
        typer.echo(f"  {problem}", err=True)
    typer.echo(
        f"read {report.lines} line(s): {report.created} created, {report.duplicates} duplicate(s), "
        f"{report.invalid} invalid"
    )
    if report.invalid:
        raise typer.Exit(1)


@app.command()
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
        with open(target, "w", encoding="utf-8", newline="", closefd=output is not None) as fh:
            for chunk in export_lines(sessions, f, format):
                fh.write(chunk)


@app.command()
def demo(
    database_url: Annotated[str, typer.Option(help="Where the demo keeps its data")] = DEMO_DATABASE,
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Seed and exit")] = False,
    no_live: Annotated[
        bool, typer.Option("--no-live", help="Do not replay the sample as mentions arriving live")
    ] = False,
) -> None:
    """Everything in one process, offline: seed brands and the bundled sample, then serve, while a
    background thread replays the sample as new mentions arriving live (14 days in 10 minutes)."""

    settings = demo_settings(
        load_settings(database_url=database_url, host=host, port=port, pages_anonymous=True)
    )
    if not settings.support_url:  # the demo brand's (fictional) help centre, for {{ link }} in replies
        settings = settings.model_copy(update={"support_url": "https://acme.example/help"})
    engine = ready_engine(settings)
    sessions = make_session_factory(engine)
    report = seed(sessions)
    typer.echo(f"demo data: {report.created} new mention(s), {report.duplicates} already there", err=True)
    with session_scope(sessions) as session:
        try:
            old = revoke_key(session, name="demo-admin")
            session.delete(old)
            session.flush()
        except NotFound:
            pass
        _, key = create_key(session, name="demo-admin", role="admin")
    crisis = _demo_alerts(sessions, settings)
    people = seed_people(sessions)
    with session_scope(sessions) as session:
        seed_live_source(session, enabled=not no_live)
    url = f"http://{settings.host}:{settings.port}/"
    typer.echo(f"Listener demo: open {url}  (API docs: {url}docs)")
    typer.echo(f"demo admin API key: {key}")
    logins = ", ".join(f"{email} ({role})" for email, role in people)
    typer.echo(f"demo sign-in at {url}login: {logins}; password {DEMO_PASSWORD}")
    if crisis:
        typer.echo(f"demo crisis: incident {crisis} at {url}incidents/{crisis} (delivered to the local sink)")
    if no_serve:
        return
    live = None if no_live else LiveCollection(settings, sessions, on_result=_echo_live).start()
    if live is not None:
        typer.echo("demo live feed: new mentions arrive every ~30 s (--no-live turns this off)", err=True)
    try:
        _serve(settings, engine)
    finally:
        if live is not None:
            live.stop()


LIVE_TICK_SECONDS = 10.0
ALERT_TICK_SECONDS = 60.0


class LiveCollection:
    """The demo's in-process collection: a daemon thread calling ``Collecting.tick`` every
    ``tick_seconds`` (first tick at once) until ``stop()`` or the process ends."""

    def __init__(self, settings, sessions, *, tick_seconds: float = LIVE_TICK_SECONDS, on_result=None):  # type: ignore[no-untyped-def]

        self.collecting = Collecting(settings, sessions, concurrency=1, on_result=on_result)
        self.sessions = sessions
        self.tick_seconds = tick_seconds
        self.alerts_due = 0.0  # the worker's minute alert tick, in the demo's one process
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="demo-live", daemon=True)

    def start(self) -> LiveCollection:
        self.thread.start()
        return self

    def _loop(self) -> None:

        while not self.stopped.is_set():
            try:
                self.collecting.tick()
            except Exception:  # a failed tick (database busy, ...) is retried at the next one
                logging.getLogger(__name__).exception("demo live collection tick failed")
            if time.monotonic() >= self.alerts_due:  # windowed rules, auto-resolve, delivery
                self.alerts_due = time.monotonic() + ALERT_TICK_SECONDS
                try:
                    alert_jobs.tick(self.sessions)
                except Exception:
                    logging.getLogger(__name__).exception("demo alert tick failed")
            self.stopped.wait(self.tick_seconds)

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped.set()
        self.collecting.stopping.set()
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.collecting.close()


def _echo_live(result) -> None:  # type: ignore[no-untyped-def]
    if result.created:
        typer.echo(f"demo live feed: {result.created} new mention(s)", err=True)
    elif result.error:
        typer.echo(f"demo live feed: {result.error}", err=True)


def _demo_alerts(sessions, settings):  # type: ignore[no-untyped-def]
    """The demo's spike rule, a local webhook sink, the crisis replayed and delivered."""

    sink = DemoSink(on_alert=lambda p: typer.echo(describe(p), err=True))
    channel = {"name": "demo local sink", "type": "webhook", "config": {"url": sink.url}}
    with session_scope(sessions) as session:
        seed_alerts(session, channel=channel)
        found = session.scalar(select(Channel).where(Channel.name == channel["name"]))
        if found is not None:  # a new port each run
            found.config = {**(found.config or {}), "url": sink.url}
    replay(sessions)
    with outbound_client(settings) as client:  # 127.0.0.1 allowed by demo_settings
        alert_jobs.deliver(sessions, client)
    with session_scope(sessions) as session:
        return session.scalar(select(Incident.id).order_by(Incident.id))
