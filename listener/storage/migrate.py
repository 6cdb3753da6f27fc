"""Run Alembic from code: ``upgrade(url)`` (what ``listener migrate``, ``serve`` and ``demo`` call)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

import migrations

log = logging.getLogger(__name__)

SCRIPTS = Path(migrations.__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the installed ``migrations`` package (works from a checkout
    and from a wheel alike; ``alembic.ini`` is only for running the ``alembic`` tool by hand)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` (head by default)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database behind ``engine`` to ``revision`` (``base`` drops everything)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def is_empty(engine: Engine) -> bool:
    """True when the database has no Listener tables yet."""
    return "alembic_version" not in inspect(engine).get_table_names()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it has never been migrated)."""

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision in ``migrations/versions``."""

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
