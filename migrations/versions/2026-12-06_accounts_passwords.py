"""accounts: password login for people (issue 17)

``app_user`` gets ``password_hash`` (argon2id, NULL: the person cannot sign in with a password yet),
``password_changed_at`` and ``last_login_at``. ``login_failure`` records failed sign-ins per
e-mail address and client address, for throttling (5 failures in 15 minutes answer 429).

Revision ID: accounts01a2b3
Revises: e1a2b3c4d5e6
Create Date: 2026-12-06 02:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from listener.storage.base import BigId, UTCDateTime

revision: str = "accounts01a2b3"
down_revision: str | None = "e1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
        batch.add_column(sa.Column("password_changed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_login_at", UTCDateTime(), nullable=True))
    op.create_table(
        "login_failure",
        sa.Column("id", BigId, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(op.f("ix_login_failure_email_ip_at"), "login_failure", ["email", "ip", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failure_email_ip_at"), table_name="login_failure")
    op.drop_table("login_failure")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("password_changed_at")
        batch.drop_column("password_hash")
