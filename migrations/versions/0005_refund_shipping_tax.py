"""refund shipping tax: the tax on a refund's shipping, so it is no longer taken for an unexplained refund

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_refunds") as batch:
        batch.add_column(
            sa.Column("shipping_tax", app.models.types.MoneyType(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("order_refunds") as batch:
        batch.drop_column("shipping_tax")
