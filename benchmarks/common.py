"""What the benchmarks share: scratch databases (a temp SQLite file, or a database of its own
created on a PostgreSQL server through its maintenance database and dropped afterwards),
percentiles, the load average and progress lines."""

from __future__ import annotations

import math
import os
import shutil
import statistics
import sys
import tempfile

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


def temp_sqlite(prefix: str, filename: str) -> tuple[str, str]:
    """``(directory, URL)`` of a new SQLite file in a fresh temp directory."""
    directory = tempfile.mkdtemp(prefix=prefix)
    return directory, f"sqlite:///{directory}/{filename}"


def create_postgres(admin_url: str, name: str) -> str:
    """Create database ``name`` (dropped first if a crashed run left it) on the server of
    ``admin_url``; returns its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres(admin_url: str, name: str) -> None:
    """Drop database ``name``, closing any connection left to it."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def remove_dir(directory: str | None) -> None:
    """Delete a temp directory made by ``temp_sqlite`` (nothing when None)."""
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


def pct(values: list[float]) -> tuple[float, float, float, float]:
    """p50, p95, p99 and max."""
    if not values:
        return (math.nan,) * 4
    if len(values) == 1:
        return (values[0],) * 4
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98], max(values)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for the header and footer of a run."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def progress(msg: str) -> None:
    """A progress line on stderr (the figures go to stdout)."""
    print(f"  .. {msg}", file=sys.stderr, flush=True)
