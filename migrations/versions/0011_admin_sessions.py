"""admin sessions: a row per browser signed in with a cookie, so signing out ends the session on the server

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00

Until now the session lived in the signed cookie alone: a copy taken before POST /admin/logout went on working
until it expired. The cookie now carries a random id whose SHA-256 names a row here; signing out deletes the
row. Sessions from before this revision carry no id and are asked to sign in again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("started_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_admin_sessions_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_sessions")),
        sa.UniqueConstraint("shop_id", "token_hash", name=op.f("uq_admin_sessions_shop_id_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("admin_sessions")
