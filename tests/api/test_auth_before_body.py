"""Who is asking is settled before what they sent is read: every admin and App Proxy write, called without a
session or a signature and with a body that is not even JSON, is refused as unauthenticated (401), never
answered with the body's own faults (400, 422), which would let anyone probe the API's validation."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
SIGNED_OUT = {"/admin/logout"}  # signing out needs no session


def _writes(app: Flask) -> list[tuple[str, str]]:
    urls = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/admin/api/", "/proxy/")) or rule.rule in SIGNED_OUT:
            continue
        values = {name: "abc" if name == "code" else 1 for name in rule.arguments}
        for method in sorted((rule.methods or set()) & WRITES):
            found.append((method, urls.build(rule.endpoint, values, method=method)))
    return found


def test_every_admin_and_storefront_write_without_credentials_is_refused_before_its_body_is_read(
    app: Flask, client: FlaskClient, shopify_shop
) -> None:
    writes = _writes(app)
    answers = {
        (method, url): client.open(f"{url}?shop={shopify_shop.domain}" if url.startswith("/proxy/") else url,
                                   method=method, data="{not json", content_type="application/json")
        for method, url in writes
    }

    assert len(writes) > 30
    assert {key: r.status_code for key, r in answers.items() if r.status_code != 401} == {}
    assert {r.get_json()["reason"] for r in answers.values()} <= {"unauthorized", "invalid_signature",
                                                                   "signature_invalid", "not_signed_in"}
