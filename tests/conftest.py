"""Database fixtures: every DB test runs on SQLite and on PostgreSQL, on the real Alembic head.

- SQLite: the schema is migrated once per session into a template file; each test gets a copy.
- PostgreSQL: a fresh database per test run (per xdist worker) on ``LISTENER_TEST_POSTGRES_URL``
  (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``), migrated once; every table
  is truncated after each test. Unreachable PostgreSQL skips those tests locally and fails in CI
  (``CI=true``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

# The test configuration, set explicitly: every test server listens on 127.0.0.1, which the
# outbound-address policy refuses unless allowed (tests of the policy build their own, stricter one).
os.environ["LISTENER_OUTBOUND_ALLOW"] = "127.0.0.0/8,::1"

from listener.pipeline import clustering  # noqa: E402
from listener.settings import Settings  # noqa: E402
from listener.storage import migrate  # noqa: E402
from listener.storage.base import Base  # noqa: E402
from listener.storage.db import make_engine  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "LISTENER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set LISTENER_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL database for this test run (dropped afterwards)."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"listener_test_{os.getpid()}_{worker_id}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means "no PostgreSQL"
        admin.dispose()
        _pg_unavailable(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; tests copy it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def truncate_all(engine: Engine) -> None:
    """Empty every table (PostgreSQL), keeping the schema."""
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on; DB tests are parametrised over both."""
    return request.param


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on ``backend`` for one test."""
    clustering.forget()  # the process-wide near-duplicate index must not remember other tests' rows
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "listener.db"
        shutil.copyfile(template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    eng = request.getfixturevalue("pg_engine")
    truncate_all(eng)
    try:
        yield eng
    finally:
        truncate_all(eng)


@pytest.fixture
def db_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, _env_file=None)
