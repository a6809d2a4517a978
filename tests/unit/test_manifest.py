"""plugin_manifest.json: every path it names is a real route, every webhook topic it lists is handled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.platforms.shopify.webhooks import HANDLERS as SHOPIFY_HANDLERS
from app.platforms.woocommerce import webhooks as woo
from app.services.install import manifest


def paths(node: Any) -> Iterator[str]:
    """Every string in the manifest that is a path of this app."""
    if isinstance(node, dict):
        for value in node.values():
            yield from paths(value)
    elif isinstance(node, list):
        for value in node:
            yield from paths(value)
    elif isinstance(node, str) and node.startswith("/"):
        yield node


def is_route(app: Flask, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except MethodNotAllowed:
        return True
    except NotFound:
        return False
    return True


def test_the_manifest_describes_the_plugin_in_german_and_english() -> None:
    data = manifest()
    assert set(data["description"]) == {"de", "en"}
    assert set(data["platforms"]) == {"shopify", "woocommerce"}
    assert data["app_proxy"] == {"prefix": "apps", "subpath": "loyalty", "url": "/proxy"}
    assert data["support"]["email"]


def test_every_path_in_the_manifest_is_a_route(app: Flask) -> None:
    proxy = manifest()["app_proxy"]["url"]
    missing = [p for p in paths(manifest()) if p != proxy and not is_route(app, p)]
    assert missing == []


def test_the_app_proxy_url_prefixes_real_routes(app: Flask) -> None:
    proxy = manifest()["app_proxy"]["url"]
    assert any(rule.rule.startswith(f"{proxy}/") for rule in app.url_map.iter_rules())


@pytest.mark.parametrize(
    "topic", manifest()["webhooks"]["shopify"]["topics"] + manifest()["webhooks"]["shopify"]["compliance_topics"]
)
def test_every_shopify_topic_is_handled_by_the_adapter(topic: str) -> None:
    assert topic in SHOPIFY_HANDLERS


@pytest.mark.parametrize("topic", manifest()["webhooks"]["woocommerce"]["topics"])
def test_every_woocommerce_topic_is_handled_by_the_adapter(topic: str) -> None:
    assert topic in woo.ORDER_TOPICS | woo.CUSTOMER_TOPICS | {"order.deleted"}
