"""Integers beyond what a column holds: every integer the API takes (path, query, JSON body) is found in
/openapi.json and sent as ±10**30; each answer is the one error shape, never a 500: a path id that no row can
have is not found (404), a query or body number is a 422 naming its field (in the reader's language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.repositories.base import MAX_BIG_ID, MAX_ID
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver, member_by_email
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url

HUGE = 10**30
SHOPPER = customer("7001", "juergen.weiss@example.de")
PROXY_SIGNING = {"shop", "timestamp", "signature", "path_prefix", "logged_in_customer_id"}  # proxy_url's part
EXAMPLE_STRINGS = {"date": "2026-01-01", "date-time": "2026-01-01T00:00:00Z", "email": "kunde@example.de"}


@dataclass(frozen=True)
class IntegerInput:
    """One integer an operation takes: where it travels and the keys that lead to it (a list item is index 0)."""

    method: str
    path: str
    location: str  # path, query or body
    keys: tuple[str | int, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.location}:{'.'.join(map(str, self.keys))}"


class Spec:
    """The served OpenAPI document, its references followed."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            found: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                found = found[part]
            node = found
        return node

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [(method.upper(), path, operation) for path, item in self.document["paths"].items()
                for method, operation in item.items() if method != "parameters"]

    def parameters(self, path: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
        shared = self.document["paths"][path].get("parameters", [])
        return [self.resolve(p) for p in [*shared, *operation.get("parameters", [])]]

    def body_schema(self, operation: dict[str, Any]) -> dict[str, Any] | None:
        content = self.resolve(operation.get("requestBody", {})).get("content", {})
        return self.resolve(content["application/json"]["schema"]) if "application/json" in content else None

    def integers(self, schema: dict[str, Any], keys: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
        """The keys of every integer a client may send in `schema` (read-only properties are answers only)."""
        schema = self.resolve(schema)
        if _is(schema, "integer"):
            return [keys]
        found = []
        for name, part in schema.get("properties", {}).items():
            if not self.resolve(part).get("readOnly"):
                found += self.integers(part, (*keys, name))
        if "items" in schema:
            found += self.integers(schema["items"], (*keys, 0))
        for part in [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]:
            found += self.integers(part, keys)
        return found

    def example(self, schema: dict[str, Any]) -> Any:
        """A value `schema` accepts as far as its declared parts go: required properties only, first choices."""
        schema = self.resolve(schema)
        for key in ("allOf", "anyOf", "oneOf"):
            if schema.get(key):
                return self.example(schema[key][0])
        if "enum" in schema:
            return schema["enum"][0]
        if _is(schema, "object"):
            return {name: self.example(schema["properties"][name]) for name in schema.get("required", [])}
        if _is(schema, "array"):
            return [self.example(schema.get("items", {}))] if schema.get("minItems") else []
        if _is(schema, "integer") or _is(schema, "number"):
            return schema.get("minimum", 1)
        if _is(schema, "boolean"):
            return True
        return EXAMPLE_STRINGS.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))

    def with_value(self, schema: dict[str, Any], keys: tuple[str | int, ...], value: int) -> Any:
        """An example of `schema` with `value` at `keys` (and what leads there)."""
        schema = self.resolve(schema)
        if not keys:
            return value
        for part in [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]:
            if keys in self.integers(part):
                return self.with_value(part, keys, value)
        head, rest = keys[0], keys[1:]
        if isinstance(head, int):
            return [self.with_value(schema["items"], rest, value)]
        found = self.example(schema)
        found[head] = self.with_value(schema["properties"][head], rest, value)
        return found


def _is(schema: dict[str, Any], kind: str) -> bool:
    declared = schema.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


def integer_inputs(spec: Spec) -> list[IntegerInput]:
    found = []
    for method, path, operation in spec.operations():
        for parameter in spec.parameters(path, operation):
            if _is(spec.resolve(parameter.get("schema", {})), "integer"):
                found.append(IntegerInput(method, path, parameter["in"], (parameter["name"],)))
        body = spec.body_schema(operation)
        found += [IntegerInput(method, path, "body", keys) for keys in (spec.integers(body) if body else [])]
    return found


@pytest.fixture
def spec(client: FlaskClient) -> Spec:
    return Spec(client.get("/openapi.json").get_json())


def send(client: FlaskClient, spec: Spec, target: IntegerInput, value: int, shop: Shop, clock: FixedClock,
         language: str = "en") -> Any:
    """The operation called as its client would (signed in, signed by the proxy), `value` at the target."""
    operation = spec.document["paths"][target.path][target.method.lower()]
    path_values, query = {}, {}
    for parameter in spec.parameters(target.path, operation):
        chosen = value if (parameter["in"], (parameter["name"],)) == (target.location, target.keys) else None
        if parameter["in"] == "path":
            path_values[parameter["name"]] = chosen if chosen is not None else spec.example(parameter["schema"])
        elif parameter["in"] == "query" and (chosen is not None or parameter.get("required")):
            query[parameter["name"]] = chosen if chosen is not None else spec.example(parameter["schema"])
    url = target.path.format(**path_values)
    body = spec.body_schema(operation)
    payload = None
    if body is not None:
        payload = spec.with_value(body, target.keys, value) if target.location == "body" else spec.example(body)
    headers = {"Accept-Language": language}
    if url.startswith("/proxy/"):
        url = proxy_url(url.removeprefix("/proxy/"), shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001",
                        **{name: str(v) for name, v in query.items() if name not in PROXY_SIGNING})
    else:
        url += f"?{urlencode(query)}" if query else ""
        headers.update(admin_headers(shop))
    return client.open(url, method=target.method, json=payload, headers=headers)


def field_errors(errors: dict[str, Any], keys: tuple[str | int, ...]) -> Any:
    """The messages at a field's keys (a list item's index is a string key in JSON)."""
    found: Any = errors
    for key in keys:
        found = found.get(str(key)) if isinstance(found, dict) else None
    return found


def test_the_walk_finds_the_integers_the_api_takes_in_every_place(spec: Spec) -> None:
    found = {str(target) for target in integer_inputs(spec)}

    assert {
        "POST /proxy/redeem body:reward_id",
        "GET /admin/api/segments/members query:after_id",
        "GET /admin/api/segments/members query:min_orders",
        "POST /admin/api/campaigns body:segment.min_orders",
        "PUT /admin/api/tiers body:tiers.0.entry_coupon_reward_id",
        "GET /admin/api/members/{member_id} path:member_id",
    } <= found
    assert len(found) > 60


def test_every_integer_input_is_bounded_to_what_the_database_holds_in_the_openapi_document(spec: Spec) -> None:
    unbounded = []
    for target in integer_inputs(spec):
        operation = spec.document["paths"][target.path][target.method.lower()]
        if target.location == "body":
            schema = spec.body_schema(operation) or {}
            for key in target.keys:
                schema = spec.resolve(schema["items"] if isinstance(key, int) else schema["properties"][key])
        else:
            schema = next(spec.resolve(p["schema"]) for p in spec.parameters(target.path, operation)
                          if (p["in"], p["name"]) == (target.location, target.keys[0]))
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is None or high is None or low < -(2**63) or high > 2**63 - 1:
            unbounded.append(str(target))

    assert unbounded == []


@pytest.mark.parametrize("value", [HUGE, -HUGE], ids=["plus", "minus"])
def test_an_integer_beyond_every_column_is_answered_with_the_error_shape_never_a_500(
    client: FlaskClient, spec: Spec, shopify_shop: Shop, clock: FixedClock, value: int
) -> None:
    answers = {target: send(client, spec, target, value, shopify_shop, clock) for target in integer_inputs(spec)}

    wrong = {}
    for target, response in answers.items():
        body = response.get_json(silent=True) or {}
        shape_ok = {"code", "status", "message", "reason"} <= body.keys() and body["code"] == response.status_code
        if target.location == "path":
            ok = shape_ok and (response.status_code, body.get("reason")) == (404, "not_found")
        else:
            named = field_errors(body.get("errors") or {}, target.keys)
            ok = shape_ok and (response.status_code, body.get("reason")) == (422, "validation_error") and bool(named)
        if not ok:
            wrong[str(target)] = f"{response.status_code} {body.get('reason')} {body.get('errors')}"

    assert wrong == {}


def test_a_number_too_large_is_explained_in_german_to_a_german_reader(
    client: FlaskClient, spec: Spec, shopify_shop: Shop, clock: FixedClock
) -> None:
    target = IntegerInput("GET", "/admin/api/segments/members", "query", ("min_orders",))

    response = send(client, spec, target, HUGE, shopify_shop, clock, language="de")

    assert response.status_code == 422
    assert response.get_json()["errors"] == {"min_orders": ["Darf höchstens 2.147.483.647 sein."]}


@pytest.mark.parametrize("reward_id", [HUGE, -HUGE, MAX_ID + 1, MAX_BIG_ID + 1], ids=["huge", "minus", "int", "bigint"])
def test_a_shopper_redeeming_a_reward_id_no_row_can_have_gets_a_field_error_and_keeps_the_points(
    client: FlaskClient, shopify_shop: Shop, container: Container, clock: FixedClock, reward_id: int
) -> None:
    deliver(container, shopify_shop, order("5001", at=clock.now(), merchandise="700.00", shipping="0.00",
                                           buyer=SHOPPER))
    url = proxy_url("redeem", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001", locale="de")

    response = client.post(url, json={"reward_id": reward_id})

    assert (response.status_code, response.get_json()["reason"]) == (422, "validation_error")
    said = "Muss mindestens 1 sein." if reward_id < 0 else "Darf höchstens 2.147.483.647 sein."
    assert response.get_json()["errors"] == {"reward_id": [said]}
    assert member_by_email(container, shopify_shop, SHOPPER.email or "").balance == 700


def test_a_shopper_redeeming_the_largest_reward_id_there_can_be_is_told_the_reward_is_not_available(
    client: FlaskClient, shopify_shop: Shop, container: Container, clock: FixedClock
) -> None:
    deliver(container, shopify_shop, order("5001", at=clock.now(), merchandise="700.00", shipping="0.00",
                                           buyer=SHOPPER))
    url = proxy_url("redeem", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now(), "7001")

    response = client.post(url, json={"reward_id": MAX_ID})

    assert (response.status_code, response.get_json()["reason"]) == (422, "reward_unavailable")
    assert member_by_email(container, shopify_shop, SHOPPER.email or "").balance == 700


def test_a_bigint_id_in_a_path_is_looked_up_and_one_beyond_bigint_is_not_found(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    within = client.post(f"/admin/api/webhooks/{MAX_ID + 1}/retry", headers=admin_headers(shopify_shop))
    beyond = client.post(f"/admin/api/webhooks/{MAX_BIG_ID + 1}/retry", headers=admin_headers(shopify_shop))

    assert (within.status_code, within.get_json()["reason"]) == (404, "delivery_not_found")
    assert (beyond.status_code, beyond.get_json()["reason"]) == (404, "not_found")
