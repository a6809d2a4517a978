"""refund items and tier translations: WooCommerce refunds itemised later; tier names and perks in both languages

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_refunds") as batch:
        # Existing rows count as itemised: nothing is fetched again for refunds from before this release.
        batch.add_column(sa.Column("itemised", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_index(
        "ix_order_refunds_unitemised", "order_refunds", ["shop_id", "refunded_at"],
        postgresql_where=sa.text("NOT itemised"), sqlite_where=sa.text("NOT itemised"),
    )
    with op.batch_alter_table("tiers") as batch:
        batch.add_column(sa.Column("translations", app.models.types.JSONType, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("tiers") as batch:
        batch.drop_column("translations")
    op.drop_index("ix_order_refunds_unitemised", table_name="order_refunds")
    with op.batch_alter_table("order_refunds") as batch:
        batch.drop_column("itemised")
