"""Knowing, without a query, that the stored mentions may have changed: a *change clock*.

``clock.version()`` is a value that differs from every earlier one once a write that the feed can
see has been committed, in this process or in any other. ``None`` means the clock cannot tell (not
started, or its watch is down): callers then must not trust anything they cached.

- **PostgreSQL**: statement-level triggers on ``mention``, ``mention_brand`` and ``brand`` (migration
  ``feedcache01``) call ``pg_notify('listener_changes', '')``. A notification is delivered only when
  its transaction commits, so a background thread that ``LISTEN``\\ s on its own connection learns
  of every committed write from any process (workers, other ``listener serve`` processes, psql)
  within milliseconds; while that connection is down the clock answers ``None``.
- **SQLite**: ``PRAGMA data_version`` on a connection of the clock's own, which never writes: the
  value changes whenever another connection (this process's pool or another process) commits.
- **This process**, both backends: a connection that wrote one of ``FEED_TABLES`` bumps a
  process-wide counter when it goes back to the pool, i.e. after its commit. That closes the window
  between a PostgreSQL commit and its notification for a client that writes and then reads through
  the same process.

Reading a version costs no round trip: a few attribute reads on PostgreSQL, one local pragma on
SQLite.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Hashable
from typing import Any, Protocol

from sqlalchemy import Engine, event
from sqlalchemy.pool import Pool

log = logging.getLogger(__name__)

CHANNEL = "listener_changes"
POLL = 0.5  # seconds between the LISTEN thread's looks at its stop flag
_WROTE = "listener_wrote"
FEED_TABLES = ("mention", "mention_brand", "brand")  # what the feed's pages are made of
# a statement that writes one of them (anywhere in it: CTEs, driver SQL, test truncates)
_VERBS = r"INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO"
FEED_WRITE = re.compile(rf'\b(?:{_VERBS})\s+"?(?:{"|".join(FEED_TABLES)})"?\b', re.IGNORECASE)


class _Counter:
    """A process-wide count of committed local writes to the feed's tables (any watched engine)."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1


LOCAL_WRITES = _Counter()


def watch_writes() -> None:
    """Count committed writes to ``FEED_TABLES`` in ``LOCAL_WRITES``, through every engine of the
    process (class-level events, registered once)."""
    if event.contains(Engine, "after_cursor_execute", _mark_write):
        return
    event.listen(Engine, "after_cursor_execute", _mark_write)
    event.listen(Engine, "commit", _bump_if_wrote_conn)
    event.listen(Pool, "checkin", _bump_if_wrote)


def _mark_write(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
    compiled = getattr(context, "compiled", None)
    if compiled is not None and getattr(compiled.statement, "is_select", False):
        return  # a SELECT construct (the common case) costs no search
    if FEED_WRITE.search(statement):
        conn.info[_WROTE] = True


def _bump_if_wrote_conn(conn: Any) -> None:
    # before the commit: harmless (a cached page gets a newer label than its data only until the
    # bump after the commit, at check-in, retires it)
    if conn.info.get(_WROTE):
        LOCAL_WRITES.bump()


def _bump_if_wrote(_dbapi_conn: Any, record: Any) -> None:
    if record is not None and record.info.pop(_WROTE, False):
        LOCAL_WRITES.bump()


class ChangeClock(Protocol):
    """What the feed cache asks (see the module docstring)."""

    def version(self) -> Hashable | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class PostgresClock:
    """The clock on PostgreSQL: a ``LISTEN`` thread counting notifications."""

    def __init__(self, engine: Engine, *, retry_seconds: float = 2.0) -> None:
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._retry = retry_seconds
        self._generation = 0
        self._up = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def version(self) -> Hashable | None:
        if not self._up:
            return None
        return (self._generation, LOCAL_WRITES.value)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="listener-change-clock", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop trusting at once; the thread closes its connection within ``POLL`` seconds."""
        self._stopping.set()
        self._up = False
        self._thread = None

    def _run(self) -> None:
        import psycopg  # the PostgreSQL driver is only installed where PostgreSQL is used

        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._generation += 1  # whatever happened while nobody listened
                    self._up = not self._stopping.is_set()
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=POLL):
                            self._generation += 1
            except Exception as exc:  # noqa: BLE001 - any failure: stop trusting, retry
                if not self._stopping.is_set():
                    log.warning("change clock: PostgreSQL connection lost (%s); retrying", type(exc).__name__)
            finally:
                self._up = False
            self._stopping.wait(self._retry)


class SqliteClock:
    """The clock on SQLite: ``PRAGMA data_version`` on a connection of its own."""

    def __init__(self, engine: Engine) -> None:
        self._path = engine.url.database or ""
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def version(self) -> Hashable | None:
        conn = self._conn
        if conn is None:
            return None
        with self._lock:
            try:
                (data_version,) = conn.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                return None
        return (data_version, LOCAL_WRITES.value)

    def start(self) -> None:
        if self._conn is None and self._path and self._path != ":memory:" and "mode=memory" not in self._path:
            self._conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def make_clock(engine: Engine) -> ChangeClock:
    """The change clock for ``engine``'s backend; it also starts counting this process's writes."""
    watch_writes()
    if engine.dialect.name == "postgresql":
        return PostgresClock(engine)
    return SqliteClock(engine)
