"""coupons notify: a change of a member's coupon tells the widget's answer cache (LISTEN) to forget that shopper

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:00:00

PostgreSQL only (a no-op on SQLite). The widget lists a member's usable coupons ("My rewards") and its ETag
reads the newest `updated_at` of them (`queries_storefront._state_sql`), so a coupon's change without a ledger
entry (the worker finally pushed the code: pending_push → active; an order used it: active → used) must evict
that shopper's remembered answer, as 0002's triggers do for the other inputs: "<shop_id>:<member_id>", or
"<shop_id>" when one statement changed more than MEMBERS_PER_SHOP members of a shop. Coupons without a member
(a guest's thank-you code) are in no widget and notify nothing. Statement-level with transition tables, as 0002.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "loyalty_storefront"
MEMBERS_PER_SHOP = 100
TABLES = ("coupons",)  # what this migration adds to 0002's list of the ETag's inputs
EVENTS = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
          "DELETE": "OLD TABLE AS old_rows"}
SOURCES = {"INSERT": ("new_rows",), "UPDATE": ("new_rows", "old_rows"), "DELETE": ("old_rows",)}


def _payloads(sources: tuple[str, ...]) -> str:
    rows = " UNION ".join(
        f"SELECT shop_id AS s, member_id AS m FROM {source} WHERE member_id IS NOT NULL" for source in sources
    )
    return (
        f"WITH c AS ({rows}), n AS (SELECT s, count(*) AS k FROM c GROUP BY s) "
        f"SELECT DISTINCT CASE WHEN n.k > {MEMBERS_PER_SHOP} THEN c.s::text ELSE c.s || ':' || c.m END "
        "FROM c JOIN n USING (s)"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    branches = "\n".join(
        f"  {'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n"
        f"    FOR payload IN {_payloads(sources)} LOOP\n"
        f"      PERFORM pg_notify('{CHANNEL}', payload);\n"
        "    END LOOP;"
        for i, (event, sources) in enumerate(SOURCES.items())
    )
    op.execute(
        "CREATE FUNCTION loyalty_notify_coupons() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"DECLARE payload text;\nBEGIN\n{branches}\n  END IF;\n  RETURN NULL;\nEND $$"
    )
    for event, referencing in EVENTS.items():
        op.execute(
            f"CREATE TRIGGER loyalty_notify_{event.lower()} AFTER {event} ON coupons REFERENCING {referencing} "
            "FOR EACH STATEMENT EXECUTE FUNCTION loyalty_notify_coupons()"
        )
    op.execute(
        "CREATE TRIGGER loyalty_notify_truncate AFTER TRUNCATE ON coupons "
        "FOR EACH STATEMENT EXECUTE FUNCTION loyalty_notify_truncate()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in (*EVENTS, "TRUNCATE"):
        op.execute(f"DROP TRIGGER loyalty_notify_{event.lower()} ON coupons")
    op.execute("DROP FUNCTION loyalty_notify_coupons()")
