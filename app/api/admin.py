"""The admin page shell, sign-in by login link, who-am-I and the core program settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, current_app, g, make_response, redirect, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import container
from app.api.admin_auth import end_session, require_admin, require_admin_header, start_session
from app.api.admin_schemas import LoginArgs, MeSchema, PageArgs, SettingsSchema
from app.api.security_headers import APP_BRIDGE_URL, admin_page_policy, framing_shop
from app.api.spec import ErrorSchema
from app.domain.errors import LoyaltyError
from app.i18n import LOCALES, pick_locale, texts_for, translate
from app.i18n.validation import localize
from app.services import admin_sessions, admin_settings

blp = Blueprint("admin", __name__, description="Admin page and core admin API (session token or login link).")

EMBED_PARAMS = ("host", "shop", "id_token")


@blp.route("/admin")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.doc(responses={"200": {"description": "the admin page (HTML)"}})
def page(**args: Any) -> Response:
    """The admin page: a shell that loads every area's tab script."""
    embedded = any(args.get(name) for name in EMBED_PARAMS)
    asked = _asked_locale(args.get("lang"), args.get("locale"))
    locale = asked or pick_locale(request.accept_languages.best)
    c = container()
    response = make_response(render_template(
        "admin/index.html", locale=locale, locale_explicit=asked is not None, embedded=embedded,
        app_bridge_url=APP_BRIDGE_URL,
        api_key=c.settings.shopify_api_key, texts=texts_for(locale, "admin."),
        tab_scripts=_tab_scripts(), signed_out={lc: translate("admin.signed_out", lc) for lc in LOCALES},
    ))
    # Framed only by the admin of the shop Shopify signed this URL for (its first load inside Shopify's admin).
    shop = framing_shop(request.args.to_dict(), c.shopify_secrets())
    response.headers["Content-Security-Policy"] = admin_page_policy(shop)
    return response


@blp.route("/admin/login")
@blp.arguments(LoginArgs, location="query", as_kwargs=True)
@blp.doc(responses={
    "302": {"description": "signed in; on to /admin"},
    "401": {"description": "used, expired or forged link: a page for browsers, the error shape for JSON clients",
            "content": {"text/html": {"schema": {"type": "string"}},
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
})
def login(token: str) -> Any:
    """Redeem a single-use login link (`loyalty admin-link SHOP`) and start a session."""
    c = container()
    try:
        identity = admin_sessions.redeem_login_link(c.uow(), c.settings.secret_key, token, c.clock.now())
    except LoyaltyError as exc:
        # A browser's navigation also accepts */*: only a client preferring JSON gets the JSON error.
        if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "text/html":
            return _login_failed_page(exc)
        raise
    start_session(identity)
    return redirect("/admin", code=303)


@blp.route("/admin/logout", methods=["POST"])
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="without the X-Loyalty-Admin header (a cross-site form)")
def logout() -> None:
    """End the cookie session, also on the server: a copy of its cookie signs nobody in afterwards."""
    require_admin_header()
    end_session()


@blp.route("/admin/api/me")
@blp.response(200, MeSchema)
@require_admin
def me() -> dict[str, Any]:
    """The signed-in shop and acting admin."""
    return {"shop": g.shop, "actor": g.actor}


@blp.route("/admin/api/settings")
class SettingsView(MethodView):
    """The core program settings of the signed-in shop."""

    @blp.response(200, SettingsSchema)
    @require_admin
    def get(self) -> dict[str, Any]:
        """Read the core program settings."""
        return admin_settings.read_settings(container().uow(), g.shop.id)

    @require_admin
    @blp.arguments(SettingsSchema)
    @blp.response(200, SettingsSchema)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Change the core program settings (recorded in the audit log)."""
        c = container()
        return admin_settings.update_settings(c.uow(), g.shop.id, data, actor=g.actor, now=c.clock.now())


def _asked_locale(*names: str | None) -> str | None:
    """The supported language a URL parameter asked for (`lang=en`, Shopify's `locale=en-US`), if any."""
    for name in names:
        short = (name or "").replace("_", "-").split("-")[0].lower()
        if short in LOCALES:
            return short
    return None


def _tab_scripts() -> list[str]:
    static = Path(current_app.static_folder or "")
    scripts = ["admin/charts.js"] if (static / "admin" / "charts.js").exists() else []
    return scripts + sorted(f"admin/tabs/{p.name}" for p in (static / "admin" / "tabs").glob("*.js"))


def _login_failed_page(exc: LoyaltyError) -> Response:
    from app.api.errors import status_for

    # The page and the reason on it in one language: the reader's (`Accept-Language`), else German.
    locale = pick_locale(request.accept_languages.best)
    html = render_template("admin/login_failed.html", locale=locale, texts=texts_for(locale, "admin."),
                           detail=localize(str(exc), locale))
    return Response(html, status=status_for(exc), mimetype="text/html")
