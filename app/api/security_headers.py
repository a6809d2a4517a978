"""Response headers against clickjacking, MIME sniffing, leaking referrers and caching personal data.

Per page kind:
- every answer: `X-Content-Type-Options: nosniff` and `Referrer-Policy: strict-origin-when-cross-origin`
  (`EVERY_RESPONSE`; the answers given in front of Flask, webhook_front and storefront_hits, add them too);
- every HTML page: `Content-Security-Policy: frame-ancestors 'none'` (with `X-Frame-Options: DENY` for old
  browsers) unless the page names its framers itself. Only the admin page does: inside Shopify's admin it is
  framed by admin.shopify.com and the shop's own admin (Shopify's iframe-protection rule), nowhere else;
- the admin API (JSON and CSV with shoppers' data): `Cache-Control: no-store`;
- pages reached by a token in their URL from an email (review, unsubscribe): `no-store`, `no-referrer`, and a
  policy allowing nothing but their own inline styles and form.

The App Proxy's referral page is a page of its own on the shop's domain (text/html, not Liquid rendered into
the theme), so framing it is refused like any other page's; its own policy is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Response, request

from app.domain.shops import is_valid_shopify_domain
from app.platforms.shopify import oauth

EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin"))
NOT_FRAMED = "frame-ancestors 'none'"
SHOPIFY_ADMIN = "https://admin.shopify.com"
APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
# The admin page runs only its own scripts and App Bridge (no inline script: admin/start.js starts it). Styles
# may be inline (the dashboard adds a <style>, tabs set style attributes); other requests stay on https.
ADMIN_PAGE_POLICY = (
    f"default-src 'self' https:; script-src 'self' {APP_BRIDGE_URL}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: data:; object-src 'none'; base-uri 'none'"
)
TOKEN_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; "
    + NOT_FRAMED
)
ADMIN_API = "/admin/api/"
BODILESS = (204, 304)  # no page to frame: Flask gives them its default type, text/html, all the same


def admin_page_policy(framing_shop: str | None) -> str:
    """The admin page's policy: framed only by the given Shopify shop's admin, else by nobody."""
    framers = f"frame-ancestors https://{framing_shop} {SHOPIFY_ADMIN}" if framing_shop else NOT_FRAMED
    return f"{ADMIN_PAGE_POLICY}; {framers}"


def framing_shop(query: Mapping[str, str], secrets: Iterable[str]) -> str | None:
    """The myshopify domain Shopify signed this page's URL for (`shop` and `hmac` of an embedded app's first
    load), or None: an unsigned or foreign `shop` must not choose who may frame the page."""
    shop = (query.get("shop") or "").strip().lower()
    if not is_valid_shopify_domain(shop):
        return None
    return shop if any(oauth.query_hmac_valid(query, secret) for secret in secrets) else None


def add_security_headers(response: Response) -> Response:
    """After every request Flask answers: the headers of the answer's kind (module docstring)."""
    headers = response.headers
    for name, value in EVERY_RESPONSE:
        headers.setdefault(name, value)
    if request.path.startswith(ADMIN_API):
        headers["Cache-Control"] = "no-store"
    if response.mimetype == "text/html" and response.status_code not in BODILESS:
        policy = headers.get("Content-Security-Policy", "")
        if "frame-ancestors" not in policy:
            headers["Content-Security-Policy"] = f"{policy}; {NOT_FRAMED}" if policy else NOT_FRAMED
        if NOT_FRAMED in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")
    return response


def token_page_headers(response: Response) -> Response:
    """After a review or unsubscribe page: its URL is the shopper's key, so no cache keeps the page and no link
    on it tells another site the URL."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = TOKEN_PAGE_POLICY
    return response
