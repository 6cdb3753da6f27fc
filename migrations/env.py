"""Alembic environment: compares against ``Base.metadata``; batch mode on SQLite.

The URL is, in order: a connection handed over in ``config.attributes["connection"]``, the
``sqlalchemy.url`` main option set by the caller, or ``Settings().database_url``.
"""

from __future__ import annotations

from alembic import context

import listener.storage.models  # noqa: F401  (registers every table on Base.metadata)
from listener.settings import Settings
from listener.storage.base import Base, include_object_for
from listener.storage.db import make_engine

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object_for(connection.dialect.name),
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run `listener migrate`")
run_migrations_online()
