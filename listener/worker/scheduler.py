"""The worker's scheduler: APScheduler 3 jobs that collect due sources, evaluate alert rules and
deliver the alert outbox, and send approved replies to their platforms.

``build_scheduler`` returns a ``BlockingScheduler`` with a thread pool and six jobs, each
``max_instances=1``, ``coalesce=True``, first run at start: ``collect:tick`` (every
``TICK_SECONDS``), ``alerts:tick`` (every minute), ``alerts:deliver`` (every second),
``reports:tick`` (every minute, ``worker/report_jobs.py``), ``replies:publish`` (every
``PUBLISH_SECONDS``, ``worker/publish_jobs.py``) and ``push:tick`` (webhook subscriptions, every
``push_poll_seconds``, ``worker/push_jobs.py``). Each tick claims due sources under a lease
(``listener.worker.leases.claim_due``) and keeps ``CONCURRENCY`` of them running on a small thread
pool, claiming the next one as each run ends, until nothing is due, so several ``listener worker``
processes on one PostgreSQL database share the sources without running any twice. ``run_once`` is
``collect --once``: every enabled source (or one) now, whatever its schedule, still respecting leases.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import partial

from apscheduler.executors.pool import ThreadPoolExecutor as APThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from collectors.http import make_client
from listener.settings import Settings
from listener.storage.db import session_scope
from listener.worker import alert_jobs, report_jobs
from listener.worker.alert_jobs import Outbox
from listener.worker.collection import RunResult, run_source
from listener.worker.heartbeat import Heartbeat
from listener.worker.leases import claim_due, claim_sources
from listener.worker.publish_jobs import PUBLISH_SECONDS, Publishing
from listener.worker.push_jobs import Pushing
from listener.worker.report_jobs import REPORT_TICK_SECONDS

log = logging.getLogger(__name__)

TICK_SECONDS = 10
CONCURRENCY = 4


def worker_id() -> str:
    """A name unique to this process, for leases: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Collecting:
    """The tick body: claim due sources, run them, repeat while any are due."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        *,
        worker: str | None = None,
        concurrency: int = CONCURRENCY,
        on_result: Callable[[RunResult], None] | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.worker = worker or worker_id()
        self.concurrency = concurrency
        self.on_result = on_result
        self.stopping = threading.Event()
        self.busy = threading.Lock()
        self.client = make_client(settings)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="collect")

    def tick(self) -> list[RunResult]:
        with self.busy, Heartbeat(self.sessions, self.worker, self.settings.lease_seconds):
            return self._tick()

    def _tick(self) -> list[RunResult]:
        """Keep ``concurrency`` runs going: each finished run frees a slot that the next due source
        takes at once (no waiting for the slowest of a group), until nothing is due."""
        results: list[RunResult] = []
        running: set[Future[RunResult]] = set()
        while not self.stopping.is_set():
            free = self.concurrency - len(running)
            for source_id in self._claim(free) if free else []:
                running.add(self.pool.submit(self._run, source_id))
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            results.extend(f.result() for f in done)
        results.extend(f.result() for f in running)  # stopping: let the runs in progress finish
        return results

    def _claim(self, limit: int) -> list[int]:
        with session_scope(self.sessions) as session:
            return claim_due(
                session,
                worker=self.worker,
                now=utcnow(),
                lease_seconds=self.settings.lease_seconds,
                limit=limit,
            )

    def _run(self, source_id: int) -> RunResult:
        try:
            result = run_source(
                self.sessions, self.settings, self.client, source_id, worker=self.worker, now=utcnow()
            )
        except Exception as exc:  # the database went away mid-run: the lease will expire
            log.exception("running source %s failed", source_id)
            result = RunResult(source_id, "?", error=f"{type(exc).__name__}: {exc}")
        if self.on_result is not None:
            self.on_result(result)
        return result

    def close(self) -> None:
        """Stop claiming, wait for the runs in progress, release resources."""
        self.stopping.set()
        with self.busy:
            self.pool.shutdown(wait=True)
        self.client.close()


def build_scheduler(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    collecting: Collecting | None = None,
    outbox: Outbox | None = None,
    publishing: Publishing | None = None,
    pushing: Pushing | None = None,
    tick_seconds: float = TICK_SECONDS,
) -> BlockingScheduler:
    """A BlockingScheduler with six jobs: ``collect:tick`` (``Collecting.tick``), ``alerts:tick``
    (windowed rules and digests, every minute), ``alerts:deliver`` (the outbox, every second),
    ``reports:tick`` (scheduled reports, every minute), ``replies:publish`` (the publish queue)
    and ``push:tick`` (webhook subscriptions of new mentions)."""
    collecting = collecting or Collecting(settings, sessions)
    scheduler = BlockingScheduler(
        executors={"default": APThreadPoolExecutor(max_workers=6)},  # one thread per job
        job_defaults={"misfire_grace_time": int(tick_seconds * 3)},
        timezone=UTC,
    )
    outbox = outbox or Outbox(sessions, settings)
    publishing = publishing or Publishing(sessions, settings)
    pushing = pushing or Pushing(sessions, settings)
    jobs = (  # (body, seconds, id, name)
        (collecting.tick, tick_seconds, "collect:tick", "claim and run due sources"),
        (
            partial(_alert_round, sessions, settings),
            ALERT_TICK_SECONDS,
            "alerts:tick",
            "evaluate rules, queue digests",
        ),
        (outbox.tick, DELIVER_SECONDS, "alerts:deliver", "deliver the notification outbox"),
        (
            partial(report_jobs.report_round, sessions, settings),
            REPORT_TICK_SECONDS,
            "reports:tick",
            "queue due reports",
        ),
        (publishing.tick, PUBLISH_SECONDS, "replies:publish", "send approved replies to their platforms"),
        (pushing.tick, settings.push_poll_seconds, "push:tick", "push new mentions to webhook subscriptions"),
    )
    for body, seconds, job_id, name in jobs:
        scheduler.add_job(
            body,
            "interval",
            seconds=seconds,
            id=job_id,
            name=name,
            next_run_time=utcnow(),
            max_instances=1,
            coalesce=True,
        )
    return scheduler


ALERT_TICK_SECONDS = 60.0
# Per-mention rules queue their notification as the mention is stored (by this worker, another
# one or the API); this job sends it within a second.
DELIVER_SECONDS = 1.0


def _alert_round(sessions: sessionmaker[Session], settings: Settings) -> None:

    try:
        alert_jobs.evaluate_round(sessions, settings)
    except Exception:  # the next tick tries again; collection goes on
        log.exception("alert evaluation failed")


def run_once(
    settings: Settings,
    sessions: sessionmaker[Session],
    source_id: int | None = None,
    *,
    worker: str | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run every enabled source (or ``source_id``) now, ignoring ``next_run_at``; sources leased by
    another worker are left to it. Sources are claimed one at a time, so concurrent runs share."""
    worker = worker or worker_id()
    results: list[RunResult] = []
    done: list[int] = []
    wanted = None if source_id is None else [source_id]
    with make_client(settings) as client, Heartbeat(sessions, worker, settings.lease_seconds):
        while True:
            with session_scope(sessions) as session:
                ids = claim_sources(
                    session,
                    worker=worker,
                    now=utcnow(),
                    lease_seconds=settings.lease_seconds,
                    source_ids=wanted,
                    exclude=done,
                )
            if not ids:
                break
            done.append(ids[0])
            result = run_source(sessions, settings, client, ids[0], worker=worker, now=utcnow())
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results
