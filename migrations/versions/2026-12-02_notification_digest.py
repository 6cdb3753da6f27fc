"""notification digest: an email channel can take one daily digest instead of per-incident mail

The outbox gets a ``digest`` kind (no incident; idempotency key ``digest-{channel}-{date}``).

Revision ID: 9d4e5f6a7b8c
Revises: 8c3d4e5f6a7b
Create Date: 2026-12-02 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "9d4e5f6a7b8c"
down_revision: str | None = "8c3d4e5f6a7b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "kind IN ('opened', 'escalated', 'resolved', 'test')"
NEW = "kind IN ('opened', 'escalated', 'resolved', 'test', 'digest')"


def _swap(condition: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notification_kind"), condition)


def upgrade() -> None:
    _swap(NEW)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE kind = 'digest'")
    _swap(OLD)
