"""Storefront: the widget script and the signed App Proxy API (/proxy/...) the widget talks to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, g, jsonify, make_response, redirect, render_template, request, send_file
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api import container
from app.api import storefront_docs as docs
from app.api.bounds import RowId
from app.api.storefront_auth import reader, storefront, storefront_read, write_limited
from app.clock import iso_z
from app.domain.email_address import is_shopper_address
from app.i18n import pick_locale, translate
from app.services import storefront as service
from app.services.email_settings import load_config
from app.services.referrals.codes import ReferralCodeNotFound
from app.services.referrals.settings import welcome_coupon_text

blp = Blueprint("storefront", __name__, description="Storefront widget and App Proxy API")

WIDGET = Path(__file__).resolve().parent.parent / "static" / "widget" / "widget.js"
WIDGET_MAX_AGE = 300  # shops pick up a new widget within minutes; revalidation is a cheap 304


class RedeemArgs(Schema):
    reward_id = RowId(required=True, strict=True)


class BirthdayArgs(Schema):
    birthday = fields.Date(required=True)


@blp.route("/widget.js", methods=["GET"])
@blp.doc(
    responses={
        "200": {"description": "The widget script", "content": {"text/javascript": {"schema": {"type": "string"}}}},
        "304": {"description": "Not modified (If-None-Match)"},
    }
)
def widget_js() -> Response:
    """The storefront widget script (one script tag adds the launcher and panel)."""
    response = send_file(WIDGET, mimetype="text/javascript", max_age=WIDGET_MAX_AGE, etag=True, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={WIDGET_MAX_AGE}, stale-while-revalidate=86400"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public script: lets shops add integrity/crossorigin
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/proxy/customer", methods=["GET"])
@blp.doc(**docs.read_doc())
@storefront_read
def customer() -> Response:
    """The shopper's points, tier, rewards, referral link and history (guests: how the program works)."""
    c = container()
    if_none_match = request.headers.get("If-None-Match")
    etag, body = service.customer_json(c.shopper_views, c.picture_sources(), g.storefront, c.clock.now(), if_none_match)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if body is None:
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/json", headers=headers)


@blp.route("/proxy/redeem", methods=["POST"])
@storefront
@write_limited
@blp.arguments(RedeemArgs, location="json")
@blp.doc(**docs.redeem_doc())
def redeem(args: dict[str, Any]) -> tuple[Response, int]:
    """Turn points into a single-use discount code for this shopper."""
    c = container()
    sf = g.storefront
    result = service.redeem(c.uow, c.platform_client(sf.shop.platform), c.box, sf, args["reward_id"], c.clock.now())
    return jsonify(
        {
            "code": result.code,
            "status": result.status,
            "balance": result.balance,
            "ends_at": iso_z(result.ends_at),
            "reward": {"id": result.reward_id, "name": result.reward_name},
        }
    ), 201


@blp.route("/proxy/birthday", methods=["POST"])
@storefront
@write_limited
@blp.arguments(BirthdayArgs, location="json")
@blp.doc(**docs.write_doc())
def birthday(args: dict[str, Any]) -> Response:
    """Store the shopper's birthday (changeable once a year); answers the refreshed customer JSON."""
    c = container()
    return jsonify(service.set_birthday(reader(), c.uow, g.storefront, args["birthday"], c.clock.now()))


@blp.route("/proxy/newsletter", methods=["POST"])
@blp.doc(**docs.write_doc())
@storefront
@write_limited
def newsletter() -> Response:
    """Opt in to the shop's newsletter (points once); answers the refreshed customer JSON."""
    c = container()
    return jsonify(service.subscribe_newsletter(reader(), c.uow, g.storefront, c.clock.now()))


@blp.route("/proxy/r/<code>", methods=["GET", "POST"])
@storefront
@write_limited
def referral_landing(code: str) -> Response:
    """A referral link: remembers the friend (logged in, or by the email they leave) for their first order."""
    c = container()
    sf = g.storefront
    email = request.form.get("email", "").strip() if request.method == "POST" else None
    try:
        if email is not None and not is_shopper_address(email):
            state, name = "bad_email", None
        else:
            state, name = service.follow_referral_link(c.uow, sf, code, c.clock.now(), email=email)
    except ReferralCodeNotFound:
        state, name = "invalid", None
    if state == "recorded" and sf.customer_ref is not None:
        return redirect("/", 302)
    return _landing_page(sf, code, state, name, email)


def _landing_page(sf: service.Storefront, code: str, state: str, name: str | None, email: str | None) -> Response:
    locale = pick_locale(sf.locale, request.accept_languages.best_match(["de", "en"]), sf.shop.locale)
    formal = load_config(container().uow(), sf.shop.id).formal
    html = render_template(
        "storefront/referral.html",
        locale=locale,
        state=state,
        email=email,
        shop_name=sf.shop.name,
        referrer_name=name or translate("storefront.referral.someone", locale),
        welcome=welcome_coupon_text(container().uow(), sf.shop.id, locale, sf.shop.currency),
        action=f"{sf.path_prefix}/r/{code}",
        t=lambda key, **kw: translate(key, locale, formal=formal, **kw),
    )
    response = make_response(html, 404 if state == "invalid" else 200)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
