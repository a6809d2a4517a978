"""lower(email) indexes: members and orders are looked up by lower(email); the plain email indexes served none

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:20:00

A guest order's webhook finds its member by email, and a new customer's record finds their earlier guest
orders by email, both as lower(email) = … within the shop. The indexes on (shop_id, email) could not serve
that comparison: with 50,000 members a lookup read the whole members table (17 ms, measured in the big-ledger
benchmark). Expression indexes on (shop_id, lower(email)) serve it; nothing compared the plain column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("members", "orders")


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_shop_email", table_name=table)
        op.create_index(f"ix_{table}_shop_lower_email", table, ["shop_id", sa.text("lower(email)")])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_shop_lower_email", table_name=table)
        op.create_index(f"ix_{table}_shop_email", table, ["shop_id", "email"])
