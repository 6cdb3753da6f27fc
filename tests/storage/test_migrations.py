"""Alembic migrations on both backends, from an empty database: up to head, down to base, up again,
and no drift between the migrations at head and ``Base.metadata`` (what autogenerate would see)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

import listener.storage.models  # noqa: F401  (registers every table on Base.metadata)
from listener.storage import migrate
from listener.storage.base import Base, include_object_for
from listener.storage.db import make_engine
from tests.conftest import PG_ADMIN_URL, _pg_unavailable

LISTENER_TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a brand-new, empty database (never migrated) on ``backend``."""
    if backend == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield eng
        eng.dispose()
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"listener_migr_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means "no PostgreSQL"
        admin.dispose()
        _pg_unavailable(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    eng = make_engine(url)
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _drift(engine: Engine) -> list:
    """What ``alembic revision --autogenerate`` would emit, configured like migrations/env.py."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            connection=conn,
            opts={
                "target_metadata": Base.metadata,
                "render_as_batch": conn.dialect.name == "sqlite",
                "compare_type": True,
                "include_object": include_object_for(conn.dialect.name),
            },
        )
        return compare_metadata(ctx, Base.metadata)


def test_upgrade_from_empty_creates_every_table(empty_engine: Engine) -> None:
    assert migrate.is_empty(empty_engine)
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    tables = _tables(empty_engine)
    assert tables >= LISTENER_TABLES, f"missing after upgrade: {LISTENER_TABLES - tables}"
    assert "alembic_version" in tables
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert not migrate.is_empty(empty_engine)


def test_upgrade_is_idempotent(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()


def test_downgrade_to_base_drops_everything_and_upgrade_again_works(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    left = _tables(empty_engine) & LISTENER_TABLES
    assert left == set(), f"tables left after downgrade to base: {left}"
    assert migrate.current_revision(empty_engine) is None
    if empty_engine.dialect.name == "postgresql":
        with empty_engine.connect() as conn:
            types = (
                conn.execute(
                    text(
                        "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                        "WHERE n.nspname = 'public' AND t.typtype = 'e'"
                    )
                )
                .scalars()
                .all()
            )
        assert types == [], f"enum types left after downgrade: {types}"

    migrate.upgrade(empty_engine)
    assert _tables(empty_engine) >= LISTENER_TABLES
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert _drift(empty_engine) == []


def test_head_matches_models_no_autogenerate_drift(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    diff = _drift(empty_engine)
    assert diff == [], "the migrations at head differ from Base.metadata:\n" + "\n".join(map(repr, diff))


def test_migrated_schema_accepts_a_row_in_every_table_shape(empty_engine: Engine) -> None:
    """A smoke check that the migrated schema works with the ORM models (defaults, FKs, JSON)."""
    from datetime import UTC, datetime

    from listener.storage.db import make_session_factory, session_scope
    from listener.storage.models import ApiKey, AuditEvent, Brand, Mention, Query, Source

    migrate.upgrade(empty_engine)
    with session_scope(make_session_factory(empty_engine)) as session:
        acme = Brand(name="Acme", aliases=["Acme Corp"], lexicon={"slow": -1.0})
        globex = Brand(name="Globex")
        acme.competitors = [globex]
        session.add_all([acme, globex])
        session.flush()
        source = Source(name="feed", platform="rss", params={"url": "https://example.com/feed"})
        session.add_all(
            [
                Query(brand_id=acme.id, name="q", expression="acme"),
                source,
                ApiKey(name="k", role="viewer", prefix="abcd1234", key_hash="0" * 64),
                AuditEvent(actor="t", entity="brand", entity_id=acme.id, action="create", changes={}),
            ]
        )
        session.flush()
        session.add(
            Mention(
                platform="twitter",
                external_id="1",
                brand_id=acme.id,
                source_id=source.id,
                text="hello",
                published_at=datetime(2026, 11, 10, tzinfo=UTC),
                author_reach=10**11,
            )
        )
    with session_scope(make_session_factory(empty_engine)) as session:
        m = session.query(Mention).one()
        assert m.author_reach == 10**11 and m.published_at.tzinfo is not None
        assert [c.name for c in session.query(Brand).filter_by(name="Acme").one().competitors] == ["Globex"]


def test_mentions_stored_before_brand_links_keep_their_brand_after_upgrade(empty_engine: Engine) -> None:
    """Rows written at the revision before ``mention_brand`` need no backfill: after the upgrade a
    mention is still in its brand's feed and counts for it, and a downgrade keeps it and its brand."""
    from datetime import UTC, datetime

    from listener.storage.db import make_session_factory, session_scope
    from listener.storage.mentions import MentionFilter, feed_page, linked_brand_ids
    from listener.storage.stats import counts_by_brand

    migrate.upgrade(empty_engine, "9d4e5f6a7b8c")
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO brand (name, aliases, products, lexicon, default_language, topics, created_at, "
                "updated_at) VALUES ('Acme', '[]', '[]', '{}', 'en', '{}', :at, :at)"
            ),
            {"at": datetime(2026, 11, 1)},
        )
        brand_id = conn.execute(text("SELECT id FROM brand")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO mention (platform, external_id, brand_id, kind, text, engagement, "
                "published_at, collected_at, sentiment_label, sentiment_drivers, topics, entities, "
                "crisis_terms, keyphrases, analysis_versions, status, tags, notes, updated_at) "
                "VALUES ('rss', 'old-1', :b, 'post', 'Acme was late', '{}', :at, :at, 'negative', '[]', "
                "'[]', '[]', '[]', '[]', '{}', 'new', '[]', '[]', :at)"
            ),
            {"b": brand_id, "at": datetime(2026, 11, 10, 9, 0)},
        )
    migrate.upgrade(empty_engine)
    with session_scope(make_session_factory(empty_engine)) as session:
        rows, _ = feed_page(session, MentionFilter(brand_ids=[brand_id]), after=None, limit=50)
        assert [(m.external_id, m.brand_id) for m in rows] == [("old-1", brand_id)]
        assert linked_brand_ids(session, [rows[0].id]) == {}
        window = MentionFilter(
            brand_ids=[brand_id],
            since=datetime(2026, 11, 1, tzinfo=UTC),
            until=datetime(2026, 12, 1, tzinfo=UTC),
        )
        assert counts_by_brand(session, window) == {brand_id: {"negative": 1}}
    migrate.downgrade(empty_engine, "9d4e5f6a7b8c")
    assert "mention_brand" not in _tables(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT external_id, brand_id FROM mention")).all() == [("old-1", brand_id)]
