"""members by join date: the admin's member list is ordered by when members joined, newest first

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 11:00:00

The list pages through a shop's members by (joined_at, id), both directions. Without an index every page
sorted all of the shop's members first; (shop_id, joined_at, id) serves each page by a range scan, forwards or
backwards. joined_at never changes, so member updates (balances on every order) stay heap-only.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_members_shop_joined", "members", ["shop_id", "joined_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_members_shop_joined", table_name="members")
