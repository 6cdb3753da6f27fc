"""What ``listener demo`` runs: seed the demo data, its alerts and people, then serve with a
background thread replaying the sample as mentions arriving live. Loaded only when ``demo`` runs
(it pulls in the app, the worker and the NLP pipeline)."""

from __future__ import annotations

import logging
import threading
import time

import typer
from sqlalchemy import select

from listener.auth import create_key, revoke_key
from listener.cli.common import ready_engine
from listener.cli.server import serve_app
from listener.demo.alerts import replay, seed_alerts
from listener.demo.people import DEMO_PASSWORD, seed_people
from listener.demo.seed import seed, seed_live_source
from listener.demo.sink import DemoSink, describe
from listener.engine.delivery import outbound_client
from listener.errors import NotFound
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Channel, Incident
from listener.worker import alert_jobs
from listener.worker.scheduler import Collecting

LIVE_TICK_SECONDS = 10.0
ALERT_TICK_SECONDS = 60.0


def run_demo(settings: Settings, *, no_serve: bool, no_live: bool) -> None:
    """Seed the demo (mentions, admin key, alerts, people, live source), print how to get in, then
    serve (unless ``no_serve``) with the live replay running (unless ``no_live``)."""
    engine = ready_engine(settings)
    sessions = make_session_factory(engine)
    report = seed(sessions, settings)
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
        serve_app(settings, engine)
    finally:
        if live is not None:
            live.stop()


class LiveCollection:
    """The demo's in-process collection: a daemon thread calling ``Collecting.tick`` every
    ``tick_seconds`` (first tick at once) until ``stop()`` or the process ends."""

    def __init__(self, settings, sessions, *, tick_seconds: float = LIVE_TICK_SECONDS, on_result=None):  # type: ignore[no-untyped-def]

        self.collecting = Collecting(settings, sessions, concurrency=1, on_result=on_result)
        self.sessions = sessions
        self.settings = settings
        self.client = outbound_client(settings)  # the outbox's client for this process
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
                    alert_jobs.tick(self.sessions, self.settings, self.client)
                except Exception:
                    logging.getLogger(__name__).exception("demo alert tick failed")
            self.stopped.wait(self.tick_seconds)

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped.set()
        self.collecting.stopping.set()
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.collecting.close()
            self.client.close()


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
    replay(sessions, settings)
    with outbound_client(settings) as client:  # 127.0.0.1 allowed by demo_settings
        alert_jobs.deliver(sessions, client)
    with session_scope(sessions) as session:
        return session.scalar(select(Incident.id).order_by(Incident.id))
