"""The change clock's local half: writes to the feed's tables are counted after their commit,
through any engine; reads and writes to other tables are not. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from listener.storage.changes import FEED_WRITE, LOCAL_WRITES, SqliteClock, make_clock


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO mention (text) VALUES ('x')",
        "UPDATE \"mention\" SET status = 'new'",
        "DELETE FROM mention_brand WHERE mention_id = 1",
        "WITH gone AS (SELECT 1) UPDATE brand SET name = 'Acme'",
        "TRUNCATE TABLE mention",
    ],
)
def test_writes_to_the_feed_tables_are_recognised(statement: str) -> None:
    assert FEED_WRITE.search(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE api_key SET last_used_at = now()",  # the key check's once-a-minute write
        "INSERT INTO brand_query (brand_id) VALUES (1)",
        "INSERT INTO audit_event (entity) VALUES ('mention') ON CONFLICT DO UPDATE SET entity = 'x'",
        "SELECT * FROM mention",
    ],
)
def test_other_statements_are_not(statement: str) -> None:
    assert not FEED_WRITE.search(statement)


def test_a_committed_write_moves_the_local_count_and_a_read_does_not(engine: Engine) -> None:
    make_clock(engine)
    with engine.connect() as conn:
        before = LOCAL_WRITES.value
        conn.execute(text("SELECT count(*) FROM mention")).all()
        conn.execute(text("UPDATE api_key SET last_used_at = NULL"))
        conn.commit()
    assert LOCAL_WRITES.value == before
    with engine.begin() as conn:
        conn.execute(text("UPDATE mention SET status = 'new' WHERE id = -1"))
    assert LOCAL_WRITES.value > before


def test_the_sqlite_clock_sees_other_connections_commit(tmp_path) -> None:
    from listener.storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE other (x INTEGER)"))
    clock = SqliteClock(engine)
    assert clock.version() is None  # not started
    clock.start()
    try:
        first = clock.version()
        assert first is not None and clock.version() == first
        with engine.begin() as conn:  # a table the local count ignores: only data_version moves
            conn.execute(text("INSERT INTO other VALUES (1)"))
        assert clock.version() != first
    finally:
        clock.stop()
        engine.dispose()
    assert clock.version() is None


def test_an_in_memory_sqlite_database_has_no_clock() -> None:
    from listener.storage.db import make_engine

    clock = SqliteClock(make_engine("sqlite://"))
    clock.start()
    assert clock.version() is None
