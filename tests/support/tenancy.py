"""Tenant-isolation helpers: every admin route, a valid request for each, a shop with a row of every id kind."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy import select, text

from app.container import Container
from app.db import Base
from app.models import Shop
from app.services import campaigns, privacy, referrals
from app.services.referrals.codes import ensure_code_for

STRING_PARAMS = {"decision": "approve", "what": "members", "code": "ABC123", "token": "x"}
ID_TABLES = {"member_id": "members", "reward_id": "rewards", "message_id": "outbox_messages",
             "run_id": "sync_runs", "delivery_id": "webhook_deliveries", "export_id": "privacy_exports",
             "campaign_id": "campaigns", "referral_id": "referrals"}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
ADJUST = ("POST", "/admin/api/members/<int:member_id>/adjust")
REDEEM = ("POST", "/admin/api/members/<int(max=2147483647):member_id>/redeem")
EDIT_REWARD = ("PUT", "/admin/api/rewards/<int(max=2147483647):reward_id>")
REWARD = {"kind": "fixed_amount", "points_cost": 100, "value": "5.00", "minimum_order": "20.00"}
TIERS = {"basis": "spend", "period": "lifetime", "grace_days": 0,
         "tiers": [{"key": "bronze", "name": "Bronze", "threshold": "0.00"}]}
SEGMENT = {"kind": "all"}


def admin_routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(method, rule, argument names) of every /admin/api route."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/api"):
            for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
                found.append((method, rule.rule, sorted(rule.arguments)))
    return found


def valid_request(method: str, rule: str, ids: Mapping[str, Any]) -> dict[str, Any]:
    """`client.open` keyword arguments that pass the route's schemas (a body/query its own admin gets a 2xx for).

    `ids` names the objects the body refers to (member_id, reward_id) and the shop's domain."""
    member, reward = ids.get("member_id", 1), ids.get("reward_id", 1)
    bodies: dict[tuple[str, str], Any] = {
        ("PUT", "/admin/api/settings"): {
            "points_per_unit": "1.00", "include_shipping": False, "include_tax": True, "rounding": "down",
            "point_value_points": 100, "point_value_amount": "1.00", "pending_days": 0, "expiry_policy": "never",
            "expiry_months": 12, "expiry_reminder_days": 14, "locale": "de"},
        ("PUT", "/admin/api/analytics/settings"): {"churn_window_days": 180},
        ("POST", "/admin/api/campaigns"): {"name": "Winter", "segment": SEGMENT, "action": "bonus",
                                           "params": {"points": 5}},
        ("PUT", "/admin/api/emails/settings"): {"review_delay_days": 7},
        ("POST", "/admin/api/emails/preview"): {"kind": "thank_you"},
        ("PUT", "/admin/api/referrals/settings"): {
            "enabled": True, "referrer_points": 500, "friend_coupon_kind": "fixed_amount",
            "friend_coupon_value": "5.00", "friend_coupon_days": 30, "hold_days": 14, "max_per_window": 10,
            "window_days": 30},
        ("PUT", "/admin/api/earning/settings"): {"signup_points": 50, "newsletter_points": 20, "birthday_points": 0},
        ("PUT", "/admin/api/tiers"): TIERS,
        ("POST", "/admin/api/tiers/preview"): TIERS,
        ("POST", "/admin/api/rewards"): REWARD,
        EDIT_REWARD: REWARD,
        ("PUT", "/admin/api/rewards/settings"): {
            "next_purchase_enabled": False, "next_purchase_mode": "first_order", "next_purchase_threshold": "0.00",
            "next_purchase_kind": "fixed_amount", "next_purchase_value": "5.00", "next_purchase_validity_days": 30,
            "refund_points_on_expiry": False},
        ADJUST: {"points": 5, "reason": "Kulanz"},
        REDEEM: {"reward_id": reward},
        ("POST", "/admin/api/privacy/exports"): {"member_id": member},
        ("POST", "/admin/api/privacy/redact"): {"member_id": member},
        ("DELETE", "/admin/api/privacy/shop"): {"confirm": ids.get("domain", "x.myshopify.com")},
    }
    queries = {
        ("GET", "/admin/api/segments/members"): SEGMENT,
        ("GET", "/admin/api/campaigns/preview"): SEGMENT,
        ("GET", "/admin/api/export/segment.csv"): SEGMENT,
    }
    return {"json": bodies.get((method, rule), {}), "query_string": queries.get((method, rule), {})}


def first_id_of(container: Container, table: str, shop: Shop) -> int | None:
    with container.engine.connect() as conn:
        if table not in Base.metadata.tables:
            return None
        return conn.execute(text(f"SELECT min(id) FROM {table} WHERE shop_id = :s"), {"s": shop.id}).scalar()


def fill(container: Container, rule: str, arguments: list[str], shop: Shop) -> tuple[str, list[str]]:
    """The rule's URL with the shop's ids; the arguments for which the shop has no object."""
    path, missing = rule, []
    for name in arguments:
        if name in ID_TABLES:
            value = first_id_of(container, ID_TABLES[name], shop)
            if value is None:
                missing.append(name)
                value = 1
        else:
            value = STRING_PARAMS.get(name, "1")
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(value), path)
    return path, missing


def ids_of(container: Container, shop: Shop) -> dict[str, Any]:
    """The shop's first id of every kind, and its domain: what `valid_request` bodies refer to."""
    ids: dict[str, Any] = {name: first_id_of(container, table, shop) for name, table in ID_TABLES.items()}
    return {**ids, "domain": shop.domain}


def tenant_state(container: Container, shop: Shop) -> dict[str, list[str]]:
    """Every row of every table that belongs to the shop."""
    state = {}
    with container.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "shop_id" in table.c:
                rows = conn.execute(select(table).where(table.c.shop_id == shop.id)).all()
                state[table.name] = sorted(map(repr, rows))
    return state


def add_one_of_each(container: Container, shop: Shop, member_id: int) -> None:
    """A privacy export, a campaign and a referral for a shop that already has a member (the referrer)."""
    now = container.clock.now()
    privacy.export_member_by_admin(container.uow(), shop.id, member_id, actor="test", now=now)
    campaigns.create_campaign(container.uow(), shop.id, name="Winter", segment=SEGMENT, action="bonus",
                              params={"points": 5}, actor="test", now=now)
    code = ensure_code_for(container.uow(), shop.id, member_id, now)
    referrals.record_referral(container.uow(), shop.id, code, now, email="freundin@example.de")
