"""referrals notify: a change of a shop's referrals tells the webhook's shop copies (LISTEN) to read the shop again

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:10:00

PostgreSQL only (a no-op on SQLite). Each web process keeps copies of its shops for the webhook path
(app/services/shop_copies.py): the shop row, its settings rows (evicted by 0002's "<shop_id>" payloads) and
whether the shop has referrals still waiting for an order or a hold, which lets the order hooks skip the
referral queries. That fact changes with the referrals table, so its changes notify "<shop_id>:referrals" on
the same channel; the storefront's widget answers do not read referrals and ignore that payload.
Statement-level with transition tables, as 0002: one call per statement, one payload per shop.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "loyalty_storefront"
EVENTS = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
          "DELETE": "OLD TABLE AS old_rows"}
SOURCES = {"INSERT": "SELECT shop_id FROM new_rows", "UPDATE": "SELECT shop_id FROM new_rows",
           "DELETE": "SELECT shop_id FROM old_rows"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    branches = "\n".join(
        f"  {'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n"
        f"    FOR payload IN SELECT DISTINCT shop_id || ':' || 'referrals' FROM ({source}) c LOOP\n"
        f"      PERFORM pg_notify('{CHANNEL}', payload);\n"
        "    END LOOP;"
        for i, (event, source) in enumerate(SOURCES.items())
    )
    op.execute(
        "CREATE FUNCTION loyalty_notify_referrals() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"DECLARE payload text;\nBEGIN\n{branches}\n  END IF;\n  RETURN NULL;\nEND $$"
    )
    for event, referencing in EVENTS.items():
        op.execute(
            f"CREATE TRIGGER loyalty_notify_{event.lower()} AFTER {event} ON referrals REFERENCING {referencing} "
            "FOR EACH STATEMENT EXECUTE FUNCTION loyalty_notify_referrals()"
        )
    op.execute(
        "CREATE TRIGGER loyalty_notify_truncate AFTER TRUNCATE ON referrals "
        "FOR EACH STATEMENT EXECUTE FUNCTION loyalty_notify_truncate()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in (*EVENTS, "TRUNCATE"):
        op.execute(f"DROP TRIGGER loyalty_notify_{event.lower()} ON referrals")
    op.execute("DROP FUNCTION loyalty_notify_referrals()")
