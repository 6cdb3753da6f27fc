"""engine: alert rules name the reply templates their incidents propose

``alert_rule.reply_templates``: a JSON list of reply template names (validated by the API against
the library); an empty list lets the library's ranking choose.

Revision ID: e1a2b3c4d5e6
Revises: f0a1b2c3d4e5
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e1a2b3c4d5e6"
down_revision: str | None = "f0a1b2c3d4e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_rule", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reply_templates",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default="[]",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_rule", schema=None) as batch_op:
        batch_op.drop_column("reply_templates")
