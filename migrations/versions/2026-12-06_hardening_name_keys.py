"""hardening name keys: Unicode-correct unique names (issue 16.6)

Brands, reply templates, alert rules and channels get ``name_key``: the folded name
(``listener.storage.names.name_key``: NFKC, casefold, the Turkish i's made one) with a unique index,
so "Öztürk Ltd" and "ÖZTÜRK LTD" are one name on SQLite as on PostgreSQL. Existing rows are filled
in Python. Rows that already collide (possible on SQLite, whose ``lower()`` folds ASCII only) keep
their names; the later ones get the key ``<key> #<id>`` so none is lost, and the migration logs them.

Revision ID: f0a1b2c3d4e5
Revises: b7c8d9e0f1a2
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from listener.storage.names import name_key

revision: str = "f0a1b2c3d4e5"
down_revision: str | None = "b7c8d9e0f1a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("brand", "reply_template", "alert_rule", "channel")
log = logging.getLogger("alembic.runtime.migration")


def _fill(table: str) -> None:
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.BigInteger), sa.column("name"), sa.column("name_key"))
    taken: set[str] = set()
    for row_id, name in conn.execute(sa.select(t.c.id, t.c.name).order_by(t.c.id)):
        key = name_key(name)
        if key in taken:
            log.warning(
                "%s %s: name %r folds like an earlier one; kept, key made unique", table, row_id, name
            )
            key = f"{key} #{row_id}"
        taken.add(key)
        conn.execute(sa.update(t).where(t.c.id == row_id).values(name_key=key))


def upgrade() -> None:
    for table in TABLES:
        # NOT NULL needs a default to be added to a table with rows; the rows are filled next
        op.add_column(table, sa.Column("name_key", sa.String(600), nullable=False, server_default=""))
        _fill(table)
        if op.get_bind().dialect.name == "postgresql":
            op.alter_column(table, "name_key", server_default=None)
        op.create_index(op.f(f"ix_{table}_name_key"), table, ["name_key"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_name_key"), table_name=table)
        op.drop_column(table, "name_key")
