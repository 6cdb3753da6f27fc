"""Lease heartbeat: while a worker runs, a daemon thread renews every lease it holds, so leases can
be short and a dead worker's sources return to the pool within ``lease_seconds`` (a minute by
default) instead of staying leased for the length of the longest collection.

A worker that is alive but stuck keeps its leases (the heartbeat is a thread of its own); one
killed by SIGKILL, or cut off from the database, stops renewing and its leases expire. Collection
results are still written under ``leases.hold``, so a worker whose lease expired and was taken
over stores nothing."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from listener.storage.db import session_scope
from listener.storage.models import Source

log = logging.getLogger(__name__)


def renew(session: Session, *, worker: str, now: datetime, lease_seconds: float) -> int:
    """Push every lease ``worker`` holds to ``now + lease_seconds``; returns how many."""
    res = session.execute(
        update(Source)
        .where(Source.lease_owner == worker)
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return int(res.rowcount or 0)


class Heartbeat:
    """Renews ``worker``'s leases every third of ``lease_seconds`` until ``stop`` (or the process
    ends: the thread is a daemon). Use as a context manager or ``start``/``stop``."""

    def __init__(self, sessions: sessionmaker[Session], worker: str, lease_seconds: float) -> None:
        self.sessions = sessions
        self.worker = worker
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def __enter__(self) -> Heartbeat:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _loop(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            try:
                with session_scope(self.sessions) as session:
                    now = datetime.now(UTC)
                    renew(session, worker=self.worker, now=now, lease_seconds=self.lease_seconds)
            except Exception:  # the database is away: the next beat tries again, leases may lapse
                log.exception("renewing the leases of %s failed", self.worker)
