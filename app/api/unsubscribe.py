"""`/unsubscribe/<token>`: a confirmation page (GET), the RFC 8058 one-click POST and subscribing again, no login."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_smorest import Blueprint

from app.api import container
from app.api.security_headers import token_page_headers
from app.domain.errors import InvalidLink
from app.i18n import pick_locale, texts_for
from app.services import unsubscribes

blp = Blueprint("unsubscribe", __name__, description="Unsubscribe links in every email.")
blp.after_request(token_page_headers)


@blp.route("/unsubscribe/<token>", methods=["GET"])
@blp.doc(responses={"200": {"description": "confirmation page (HTML)"}, "404": {"description": "bad link"}})
def confirm(token: str) -> Any:
    """Ask before unsubscribing (mail scanners follow GET links; only a POST unsubscribes)."""
    c = container()
    try:
        target = unsubscribes.unsubscribe_target(c.uow(), c.settings.secret_key, token)
    except InvalidLink:
        return _page(None, "invalid", 404)
    # an address unsubscribed already is not asked again: the page says it is done
    return _page(target, "done" if target.unsubscribed else "confirm", 200)


@blp.route("/unsubscribe/<token>", methods=["POST"])
@blp.doc(responses={"200": {"description": "unsubscribed"}, "404": {"description": "bad link"}})
def unsubscribe(token: str) -> Any:
    """Unsubscribe: the mail client's one-click POST (List-Unsubscribe=One-Click) or the confirmation form."""
    c = container()
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    try:
        target = unsubscribes.unsubscribe(c.uow(), c.settings.secret_key, token,
                                          "one_click" if one_click else "link", c.clock.now())
    except InvalidLink:
        return _page(None, "invalid", 404)
    return _page(target, "done", 200)


@blp.route("/unsubscribe/<token>/resubscribe", methods=["POST"])
@blp.doc(responses={"200": {"description": "subscribed again"}, "404": {"description": "bad link"}})
def resubscribe(token: str) -> Any:
    """Subscribe again from the page unsubscribing ended on (the same signed link; no login)."""
    c = container()
    try:
        target = unsubscribes.resubscribe(c.uow(), c.settings.secret_key, token)
    except InvalidLink:
        return _page(None, "invalid", 404)
    return _page(target, "resubscribed", 200)


def _page(target: unsubscribes.UnsubscribeTarget | None, state: str, status: int) -> tuple[str, int]:
    locale = pick_locale(request.args.get("lang"), target.locale if target else None,
                         request.accept_languages.best)
    html = render_template("unsubscribe/page.html", target=target, state=state, locale=locale,
                           t=texts_for(locale, "emails.", target is not None and target.formal))
    return html, status
