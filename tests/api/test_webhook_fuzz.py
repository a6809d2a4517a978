"""Hypothesis-mutated, correctly signed webhooks: the intake never answers 5xx and the ledger always verifies."""

from __future__ import annotations

import copy
import json
import os
import uuid
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import WebhookDelivery
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.deliveries import ledger_ok
from tests.support.webhooks import load_payload, php_json, shopify_headers, woocommerce_headers

EXAMPLES = int(os.environ.get("LOYALTY_FUZZ_EXAMPLES_WEBHOOKS", "150"))  # per platform
WOO_SOURCE = "https://teeladen.example.de/"
WOO_SIGNING_SECRET = "test-woo-secret&1"  # the stored "test-woo-secret&amp;1", entity-decoded as WordPress does
SHOPIFY_FIXTURES = {
    "orders_create": "orders/create", "orders_paid": "orders/paid", "orders_paid_guest": "orders/paid",
    "orders_cancelled": "orders/cancelled", "orders_updated_partial_refund": "orders/updated",
    "refunds_create": "refunds/create", "refunds_create_shipping_only": "refunds/create",
    "customers_create": "customers/create", "customers_data_request": "customers/data_request",
    "customers_redact": "customers/redact",
}
WOO_FIXTURES = {
    "order_updated_processing": "order.updated", "order_created_pending": "order.created",
    "order_guest_processing": "order.updated", "order_updated_cancelled": "order.updated",
    "order_updated_partial_refund": "order.updated", "order_deleted": "order.deleted",
    "order_checkout_draft": "order.created", "customer_created": "customer.created",
}
MISSING = object()
HOSTILE_VALUES = st.one_of(
    st.just(MISSING), st.none(), st.just(""), st.just("x" * 100_000), st.just(10**30), st.just(-(10**9)),
    st.just("-50.00"), st.just(-0.01), st.just("NaN"), st.just(float("inf")), st.just("1e309"),
    st.just("2026-02-30T25:61:00Z"), st.just("ü🎉\u202e\u0000ß"), st.just([]), st.just({}), st.just([None]),
    st.text(max_size=40), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
)


def paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 4) -> list[tuple[Any, ...]]:
    """Every key path into the payload (dict keys and list indexes), to a limited depth."""
    found = [prefix] if prefix else []
    if depth == 0:
        return found
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key), depth - 1)
    elif isinstance(value, list):
        for index, child in enumerate(value[:2]):
            found += paths(child, (*prefix, index), depth - 1)
    return found


def mutate(payload: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    if value is MISSING:
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent.pop(path[-1])
    else:
        parent[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn, fixtures: dict[str, str], platform: str) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(fixtures)))
    payload = copy.deepcopy(load_payload(platform, name))
    for _ in range(draw(st.integers(1, 3))):
        candidates = paths(payload)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        mutate(payload, path, draw(HOSTILE_VALUES))
    return fixtures[name], payload


def failed_deliveries(container: Any) -> list[tuple[str, str | None]]:
    with container.uow() as uow:
        rows = uow.session.execute(
            select(WebhookDelivery.topic, WebhookDelivery.last_error).where(WebhookDelivery.status == "failed")
        )
        return sorted({(topic, (error or "")[:160]) for topic, error in rows})


def fuzz_settings(function: Any) -> Any:
    return settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    phases=[Phase.generate], suppress_health_check=list(HealthCheck))(function)


def test_mutated_shopify_webhooks_never_answer_5xx_nor_break_the_ledger(client, container, shopify_shop):
    statuses: set[int] = set()

    @fuzz_settings
    @given(delivery=mutated(SHOPIFY_FIXTURES, "shopify"))
    def run(delivery: tuple[str, dict[str, Any]]) -> None:
        topic, payload = delivery
        body = json.dumps(payload, allow_nan=True).encode()
        headers = shopify_headers(body, topic, shopify_shop.domain, TEST_SHOPIFY_SECRET, uuid.uuid4().hex)
        response = client.post("/webhooks/shopify", data=body, headers=headers)
        statuses.add(response.status_code)
        assert response.status_code < 500, (topic, response.get_data(as_text=True)[:300])

    run()
    assert statuses <= {200, 400, 413}
    assert 200 in statuses
    assert failed_deliveries(container) == []  # hostile input is refused (400), not stored as a crash
    ledger_ok(container)


def test_mutated_woocommerce_webhooks_never_answer_5xx_nor_break_the_ledger(client, container, woo_shop):
    statuses: set[int] = set()

    @fuzz_settings
    @given(delivery=mutated(WOO_FIXTURES, "woocommerce"))
    def run(delivery: tuple[str, dict[str, Any]]) -> None:
        topic, payload = delivery
        body = php_json(payload)
        headers = woocommerce_headers(body, topic, WOO_SOURCE, WOO_SIGNING_SECRET, uuid.uuid4().hex)
        response = client.post("/webhooks/woocommerce", data=body, headers=headers)
        statuses.add(response.status_code)
        assert response.status_code < 500, (topic, response.get_data(as_text=True)[:300])

    run()
    assert statuses <= {200, 400, 413}
    assert 200 in statuses
    assert failed_deliveries(container) == []  # hostile input is refused (400), not stored as a crash
    ledger_ok(container)
