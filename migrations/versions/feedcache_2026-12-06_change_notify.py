"""feedcache: PostgreSQL tells listeners when mentions, brand links or brands change (issue 13)

Statement-level triggers on ``mention``, ``mention_brand`` and ``brand`` (insert, update, delete,
truncate) call ``pg_notify('listener_changes', '')``. PostgreSQL delivers a notification only when
its transaction commits and folds repeats within one transaction, so the cost is one trigger call
per statement. ``listener.storage.changes.PostgresClock`` listens, and the feed's page cache trusts a
kept page only until the next notification. SQLite needs nothing (``PRAGMA data_version``).

Revision ID: feedcache01
Revises: push01a2b3c4
Create Date: 2026-12-06 10:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "feedcache01"
down_revision: str | None = "push01a2b3c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("mention", "mention_brand", "brand")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION listener_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('listener_changes', ''); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION listener_notify_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION listener_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_truncated ON {table}")
    op.execute("DROP FUNCTION IF EXISTS listener_notify_change()")
