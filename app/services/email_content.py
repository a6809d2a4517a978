"""What goes into an email: the template context of a message, its subject and intro, and previews."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.email_texts import PLACEHOLDER
from app.domain.rewards import coupon_label
from app.domain.shops import storefront_url
from app.mail.render import RenderedEmail, format_number, render_email
from app.models import Member, Order, OutboxMessage, Shop
from app.services.email_links import ReviewLink, UnsubscribeLink, review_token, unsubscribe_token
from app.services.email_settings import CATEGORY, EmailConfig

USABLE_COUPON = ("reserved", "active", "pending_push")  # the code reaches the shop (now or by the worker's retry)


@dataclass(frozen=True)
class LinkBase:
    """Where links in emails point, and the key that signs them."""

    public_url: str
    secret_key: str


def render_message(
    msg: OutboxMessage,
    shop: Shop,
    member: Member | None,
    order: Order | None,
    config: EmailConfig,
    links: LinkBase,
    now: datetime,
    coupon: dict[str, Any] | None = None,
) -> RenderedEmail:
    """Render one outbox message as it will be sent now; `coupon`: the order's (see `next_purchase_coupons`)."""
    context = base_context(shop, member, msg.to_email, links)
    context.update(msg.context or {})
    if msg.kind in ("campaign", "points_expiring") and member is not None:
        # {balance} of a campaign's texts, and what is left besides the points that expire: as it stands when sent
        context["balance"] = member.balance
    if order is not None:
        context.update(order_context(order))
    if msg.kind == "thank_you":
        context.update(_thank_you(coupon if order is not None else None, msg.context or {}))
    if msg.kind == "tier_upgrade" and "benefits" not in context:
        context["benefits"] = tier_benefits(context, msg.locale)
    if context.get("code"):
        context.update(coupon_details(context, msg.locale))
    if msg.kind in ("review_request", "review_reminder") and order is not None and member is not None:
        expires = now + timedelta(days=config.review_link_days)
        token = review_token(links.secret_key, ReviewLink(shop.id, order.id, member.id, shop.domain), expires)
        context.update(
            review_url=f"{links.public_url}/reviews/{token}",
            review_points=config.review_points,
            review_link_days=config.review_link_days,
        )
    return render_kind(msg.kind, msg.locale, context, config)


def render_kind(kind: str, locale: str, context: dict[str, Any], config: EmailConfig) -> RenderedEmail:
    """Fill the merchant's (or the default) subject and intro, then render the templates."""
    values = {
        key: "" if value is None else str(value)
        for key, value in context.items()
        if value is None or isinstance(value, (str, int, Decimal))
    }
    named = {
        "shop": context["shop_name"],
        "order": context.get("order_name"),
        "first_name": context.get("first_name"),
        "tier": context.get("tier_name"),
        "reward": _reward_text(kind, context, locale),
        "points": context.get("points"),
    }
    values.update({key: "" if value is None else str(value) for key, value in named.items()})
    subject = " ".join(fill(_subject_template(kind, locale, context, config), values).split())[:255]
    intro = fill(config.intro_template(kind, locale), values)
    if kind == "campaign" and isinstance(context.get("body"), str):
        # The merchant's body is filled as its subject is; it stays text (the HTML template escapes it).
        context = {**context, "body": fill(context["body"], values)}
    optional = {
        "balance": None,
        "pending": None,
        "shop_url": None,
        "benefits": [],
        "value_text": None,
        "expires_at": None,
        "cta_url": None,
        "cta_label": None,
        "coupon": None,
        "code": None,
        "items": [],
        "taxes_included": False,
    }
    # Order and reward emails are sent whatever the shopper unsubscribed from: their footer offers to stop the
    # others, and they carry no one-click List-Unsubscribe (RFC 8058 is for mail the click stops).
    transactional = CATEGORY.get(kind) == "transactional"
    return render_email(kind, locale, {**optional, **context, "subject": subject, "intro": intro,
                                       "transactional": transactional, "formal": config.formal})


def _subject_template(kind: str, locale: str, context: dict[str, Any], config: EmailConfig) -> str:
    # A campaign's email carries the subject its merchant wrote for that campaign; the other kinds' come
    # from the email settings (the merchant's text, or the default).
    own = context.get("subject") if kind == "campaign" else None
    return own if isinstance(own, str) and own.strip() else config.subject_template(kind, locale)


def _reward_text(kind: str, context: dict[str, Any], locale: str) -> Any:
    # {reward} of a referral's email is what the referrer got: the coupon's value or the points.
    if kind != "referral_rewarded":
        return context.get("reward_name")
    if context.get("code"):
        return context.get("value_text") or context.get("reward_name")
    points = format_number(int(context.get("points") or 0), locale)
    return f"{points} Punkte" if locale == "de" else f"{points} points"


def tier_benefits(context: dict[str, Any], locale: str) -> list[str]:
    """What a tier upgrade email lists: the bonus points for reaching the tier, the points multiplier (when it adds
    anything and no perk says it already), then the tier's perks."""
    benefits = []
    entry_points = int(context.get("entry_points") or 0)
    if entry_points > 0:
        points = format_number(entry_points, locale)
        benefits.append(f"{points} Bonuspunkte zum Aufstieg, schon gutgeschrieben" if locale == "de"
                        else f"{points} bonus points for moving up, already credited")
    try:
        multiplier = Decimal(str(context.get("multiplier") or "1"))
    except ArithmeticError:
        multiplier = Decimal("1")
    perks = [str(perk) for perk in context.get("perks") or [] if str(perk).strip()]
    if multiplier > 1:
        percent = format_number((multiplier - 1) * 100, locale)
        # a perk the merchant wrote may say it already ("+25 % Punkte"), in either language
        said = re.compile(rf"\+\s*{re.escape(percent)}\s*%|\+\s*{(multiplier - 1) * 100:g}\s*%")
        if not any(said.search(perk) for perk in perks):
            benefits.append(f"+{percent} % Punkte" if locale == "de" else f"+{percent}% points")
    return benefits + perks


def coupon_details(context: dict[str, Any], locale: str) -> dict[str, Any]:
    """What a "your code" email shows beside the code: what it gives and until when (from the coupon's row)."""
    details: dict[str, Any] = {"expires_at": context.get("expires_at") or context.get("ends_at")}
    try:
        details["value_text"] = coupon_label(
            str(context.get("kind")), Decimal(str(context.get("value"))), locale, str(context.get("currency") or "EUR")
        )
    except (ArithmeticError, ValueError):
        details["value_text"] = context.get("value_text")  # a message written before its coupon's terms were kept
    named = str(context.get("reward_name") or "").strip()
    if str(details["value_text"] or "").casefold() == named.casefold() or (
        named and context.get("kind") == "free_shipping"
    ):
        # the reward's name says it already (a free-shipping reward's name says what it gives, in any words:
        # "Gratisversand (Kostenloser Versand)" said it twice)
        details["value_text"] = None
    return details


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {placeholders}; unknown ones stay as typed; an empty name leaves no dangling comma.

    New texts are checked when saved (`domain.email_texts`); a text saved before that may still name an unknown
    placeholder or hold a stray brace: it is shown as typed, never formatted (no `str.format`), so it cannot fail.
    """
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    return re.sub(r"\s*,\s*([!?.])", r"\1", text) if not values.get("first_name") else text


def base_context(shop: Shop, member: Member | None, to_email: str, links: LinkBase) -> dict[str, Any]:
    """What every message shows: shop (and where to find it), greeting, currency and the signed unsubscribe link."""
    link = UnsubscribeLink(shop.id, to_email, member.id if member else None, shop.domain)
    token = unsubscribe_token(links.secret_key, link)
    return {
        "shop_name": shop.name or shop.domain,
        "shop_url": storefront_url(shop.platform, shop.domain),
        "first_name": (member.first_name or "").strip() if member is not None else "",
        "currency": shop.currency,
        "unsubscribe_url": f"{links.public_url}/unsubscribe/{token}",
    }


def order_context(order: Order) -> dict[str, Any]:
    """The order's number, items and totals, as the shop's own confirmation shows them.

    In a shop whose prices include tax (German shops) lines show what was paid for them, with the tax in it,
    and the tax is named as included; elsewhere lines are net and the tax is added. Orders stored before lines
    kept what was paid show net lines either way.
    """
    lines = order.line_items or []
    included = order.taxes_included and bool(lines) and all("paid" in li for li in lines)
    items = [
        {
            "title": str(li.get("title") or ""),
            "quantity": int(li.get("quantity") or 1),
            "amount": Decimal(str(li.get("paid" if included else "amount") or "0")),
        }
        for li in lines
    ]
    merchandise = sum((item["amount"] for item in items), Decimal("0")) if included else order.merchandise
    return {
        "order_name": order.name or f"#{order.order_ref}",
        "items": items,
        "currency": order.currency,
        "taxes_included": included,
        "merchandise": merchandise,
        "shipping": max(Decimal("0"), order.total - merchandise) if included else order.shipping,
        "tax": order.tax,
        "total": order.total,
    }


SAMPLE_DAYS_AHEAD = timedelta(days=30)  # how far ahead the preview's coupons end and its points expire


def sample_context(
    shop: Shop, locale: str, kind: str, config: EmailConfig, referral_coupon: bool = False, *, now: datetime
) -> dict[str, Any]:
    """Made-up data for the admin page's live preview (`referral_coupon`: the referrer gets a coupon); its dates
    lie ahead of `now`, as a real coupon's end or points' expiry would."""
    ahead = sample_expiry(now)
    items = [
        {
            "title": "Espresso Bohnen 1 kg" if locale == "de" else "Espresso beans 1 kg",
            "quantity": 2,
            "amount": Decimal("39.80"),
        },
        {"title": "Milchkännchen" if locale == "de" else "Milk jug", "quantity": 1, "amount": Decimal("14.90")},
    ]
    return {
        "shop_name": shop.name or shop.domain,
        "first_name": "Jürgen" if locale == "de" else "Alex",
        "currency": shop.currency,
        "unsubscribe_url": "#",
        "order_name": "#1001",
        "items": items,
        "merchandise": Decimal("54.70"),
        "shipping": Decimal("4.90"),
        "tax": Decimal("0"),
        "total": Decimal("59.60"),
        "points_earned": 54,
        "balance": 320,
        "points_pending": False,
        "coupon": {"code": "DANKE-7Q2X", "description": "5 €", "expires_at": ahead}
        if kind == "thank_you"
        else None,
        "review_url": "#",
        "review_points": config.review_points,
        "review_link_days": config.review_link_days,
        "points": 150,
        "expires_at": ahead,
        "tier_name": "Gold",
        "benefits": ["+25 % Punkte" if locale == "de" else "+25% points"],
        "reward_name": "5 € Gutschein" if locale == "de" else "€5 coupon",
        "code": None if kind == "referral_rewarded" and not referral_coupon else "TREUE-5EUR-8K3M",
        "value_text": "5,00 €",
        "body": (  # a campaign's own text, as a merchant might write it
            "Diese Woche gibt es doppelte Punkte auf alle Kaffeesorten – schau vorbei!"
            if locale == "de" else "This week every coffee earns double points – come and have a look!"
        ),
        "cta_url": None,
    }


def sample_expiry(now: datetime, ahead: timedelta = SAMPLE_DAYS_AHEAD) -> str:
    """A preview's end date (ISO, as stored contexts hold it): `ahead` of `now`."""
    return (now + ahead).date().isoformat()


def _thank_you(coupon: dict[str, Any] | None, stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "points_earned": int(stored.get("points_earned") or 0),
        "balance": int(stored.get("balance") or 0),
        "points_pending": int(stored.get("pending") or 0) > 0,
        "coupon": coupon,
    }


def next_purchase_coupons(session: Session, orders: list[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """The usable next-purchase coupon (rewards area's `coupons` table) of each (shop id, order id), by order id."""
    if not orders:
        return {}
    try:
        coupon_model = importlib.import_module("app.models.rewards").Coupon
    except (ModuleNotFoundError, AttributeError):
        return {}  # the rewards area is not installed
    wanted = set(orders)
    rows = session.execute(
        select(coupon_model.shop_id, coupon_model.order_id, coupon_model.code, coupon_model.title, coupon_model.ends_at,
               coupon_model.status)
        .where(
            coupon_model.shop_id.in_({shop_id for shop_id, _ in wanted}),
            coupon_model.order_id.in_({order_id for _, order_id in wanted}),
            coupon_model.source == "next_purchase",
            coupon_model.status.in_(USABLE_COUPON),
        )
        .order_by(coupon_model.id)
    )
    found: dict[int, dict[str, Any]] = {}
    for shop_id, order_id, code, title, ends_at, status in rows:
        if (shop_id, order_id) in wanted and order_id not in found:  # the first issued, as before
            found[order_id] = {
                "code": code,
                "description": title or "",
                "expires_at": ends_at.isoformat() if ends_at else None,
                "at_shop": status == "active",  # False while the worker still pushes it
            }
    return found
