"""Scratch databases for the benchmarks: a temp SQLite file, or a database of its own created on a
PostgreSQL server (through that server's maintenance database) and dropped afterwards."""

from __future__ import annotations

import shutil
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
