"""notify registry: channel types come from the notifier registry; 'unconfirmed' deliveries

The ``channel.type`` CHECK constraint goes: the API validates the type against
``alerts.notifiers.NOTIFIERS``, so adding a notifier needs no migration. Notifications get the status
``unconfirmed`` (sent, but the answer timed out: never resent automatically).

Revision ID: notify01a2b3
Revises: publish01a2b3
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "notify01a2b3"
down_revision: str | None = "publish01a2b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUS = "status IN ('pending', 'sent', 'failed', 'dead')"
NEW_STATUS = "status IN ('pending', 'sent', 'failed', 'unconfirmed', 'dead')"
OLD_TYPES = "type IN ('slack', 'email', 'webhook')"


def _status(condition: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notification_status"), condition)


def upgrade() -> None:
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_channel_type"), type_="check")
    _status(NEW_STATUS)


def downgrade() -> None:
    # an unconfirmed message counts as sent (it is never resent on its own either)
    op.execute("UPDATE notification SET status = 'sent' WHERE status = 'unconfirmed'")
    _status(OLD_STATUS)
    op.execute("DELETE FROM channel WHERE type NOT IN ('slack', 'email', 'webhook')")
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_channel_type"), OLD_TYPES)
