"""storefront notify: triggers that NOTIFY loyalty_storefront whenever an input of the widget's ETag changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:10:00

PostgreSQL only (a no-op on SQLite). Every web process keeps the widget's answers in memory
(app/services/storefront_cache.py) and listens on the channel (app/db_notify.py); these triggers tell it what
to forget. Payloads: "<shop_id>" (a shop-wide input changed: the shop row, its settings, rewards, tiers) or
"<shop_id>:<member_id>" (one shopper's row, code, tier or ledger). The list of tables is the list of inputs of
`queries_storefront._state_statement`; keep the two in step.

Statement-level triggers with transition tables: a campaign inserting 100 k ledger rows runs the function
once, and a shop with more than MEMBERS_PER_SHOP changed members in one statement gets one shop-wide payload
instead of one per member. PostgreSQL folds equal payloads of one transaction into one notification.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "loyalty_storefront"
MEMBERS_PER_SHOP = 100
EVENTS = ("INSERT", "UPDATE", "DELETE")
# table -> (shop column, member column or None when a change concerns every shopper of the shop, events)
TABLES: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "shops": ("id", None, EVENTS),
    "program_settings": ("shop_id", None, EVENTS),
    "earning_settings": ("shop_id", None, EVENTS),
    "referral_settings": ("shop_id", None, EVENTS),
    "email_settings": ("shop_id", None, EVENTS),
    "tier_programs": ("shop_id", None, EVENTS),
    "rewards": ("shop_id", None, EVENTS),
    "tiers": ("shop_id", None, EVENTS),
    "members": ("shop_id", "id", EVENTS),
    "referral_codes": ("shop_id", "member_id", EVENTS),
    "member_tiers": ("shop_id", "member_id", EVENTS),
    "ledger_entries": ("shop_id", "member_id", ("INSERT", "DELETE")),  # append-only; the ETag reads max(id)
}


def _rows(shop: str, member: str | None, event: str) -> str:
    columns = f"{shop} AS s" + (f", {member} AS m" if member else "")
    sources = {"INSERT": ["new_rows"], "DELETE": ["old_rows"], "UPDATE": ["new_rows", "old_rows"]}[event]
    return " UNION ".join(f"SELECT {columns} FROM {source}" for source in sources)


def _payloads(shop: str, member: str | None, event: str) -> str:
    rows = _rows(shop, member, event)
    if member is None:
        return f"SELECT DISTINCT s::text FROM ({rows}) c"
    return (
        f"WITH c AS ({rows}), n AS (SELECT s, count(*) AS k FROM c GROUP BY s) "
        f"SELECT DISTINCT CASE WHEN n.k > {MEMBERS_PER_SHOP} THEN c.s::text ELSE c.s || ':' || c.m END "
        "FROM c JOIN n USING (s)"
    )


def _function(table: str, shop: str, member: str | None, events: tuple[str, ...]) -> str:
    branches = "\n".join(
        f"  {'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n"
        f"    FOR payload IN {_payloads(shop, member, event)} LOOP\n"
        f"      PERFORM pg_notify('{CHANNEL}', payload);\n"
        "    END LOOP;"
        for i, event in enumerate(events)
    )
    return (
        f"CREATE FUNCTION loyalty_notify_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "DECLARE payload text;\nBEGIN\n"
        f"{branches}\n  END IF;\n  RETURN NULL;\nEND $$"
    )


def _trigger(table: str, event: str) -> str:
    referencing = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}.get(
        event, "NEW TABLE AS new_rows OLD TABLE AS old_rows"
    )
    return (
        f"CREATE TRIGGER loyalty_notify_{event.lower()} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION loyalty_notify_{table}()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION loyalty_notify_truncate() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN PERFORM pg_notify('{CHANNEL}', '*'); RETURN NULL; END $$"
    )
    for table, (shop, member, events) in TABLES.items():
        op.execute(_function(table, shop, member, events))
        for event in events:
            op.execute(_trigger(table, event))
        op.execute(
            f"CREATE TRIGGER loyalty_notify_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION loyalty_notify_truncate()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (_shop, _member, events) in TABLES.items():
        for event in (*events, "TRUNCATE"):
            op.execute(f"DROP TRIGGER IF EXISTS loyalty_notify_{event.lower()} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS loyalty_notify_{table}()")
    op.execute("DROP FUNCTION IF EXISTS loyalty_notify_truncate()")
