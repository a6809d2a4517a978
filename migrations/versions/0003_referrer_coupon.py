"""referrer coupon: the referrer may get a coupon instead of points

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 04:00:00

Existing shops keep rewarding their referrers with points (server defaults fill the new columns).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = app.models.types.MoneyType(precision=14, scale=2)


def upgrade() -> None:
    with op.batch_alter_table("referral_settings") as batch:
        batch.add_column(sa.Column("referrer_reward", sa.String(length=12), nullable=False, server_default="points"))
        batch.add_column(
            sa.Column("referrer_coupon_kind", sa.String(length=16), nullable=False, server_default="fixed_amount")
        )
        batch.add_column(sa.Column("referrer_coupon_value", MONEY, nullable=False, server_default="10.00"))
        batch.add_column(sa.Column("referrer_coupon_minimum", MONEY, nullable=False, server_default="0.00"))
        batch.add_column(sa.Column("referrer_coupon_days", sa.Integer(), nullable=False, server_default="90"))
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("referrer_coupon_code", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("referrer_coupon_code")
    with op.batch_alter_table("referral_settings") as batch:
        for name in ("referrer_coupon_days", "referrer_coupon_minimum", "referrer_coupon_value",
                     "referrer_coupon_kind", "referrer_reward"):
            batch.drop_column(name)
