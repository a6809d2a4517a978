"""The storefront proxy signature (PLATFORMS §2.5): documented vectors, tampering, freshness, secrets."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from app.domain.errors import InvalidSignature
from app.platforms import app_proxy

DOCS_QUERY = (
    "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1"
    "&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555"
)
DOCS_SIGNATURE = "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
DOCS_GUEST_SIGNATURE = "e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb"
DOCS_TIME = 1317327555


def _docs_params(query: str = DOCS_QUERY, signature: str = DOCS_SIGNATURE) -> list[tuple[str, str]]:
    return [*parse_qsl(query, keep_blank_values=True), ("signature", signature)]


def test_the_canonical_message_joins_sorted_decoded_params_without_separators() -> None:
    message = app_proxy.canonical_message(_docs_params())

    assert message == (
        "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviews"
        "shop=shop-name.myshopify.comtimestamp=1317327555"
    )


def test_shopifys_documented_signature_is_reproduced() -> None:
    assert app_proxy.sign(_docs_params(), "hush") == DOCS_SIGNATURE


def test_the_documented_request_verifies_with_its_shopper() -> None:
    request = app_proxy.verify(_docs_params(), ["hush"], now=DOCS_TIME + 10)

    assert request.shop == "shop-name.myshopify.com"
    assert request.customer_ref == "1"
    assert request.path_prefix == "/apps/awesome_reviews"


def test_the_documented_anonymous_request_verifies_as_a_guest() -> None:
    query = DOCS_QUERY.replace("logged_in_customer_id=1", "logged_in_customer_id=")

    request = app_proxy.verify(_docs_params(query, DOCS_GUEST_SIGNATURE), ["hush"], now=DOCS_TIME)

    assert request.customer_ref is None


def test_a_tampered_customer_id_is_refused() -> None:
    query = DOCS_QUERY.replace("logged_in_customer_id=1", "logged_in_customer_id=2")

    with pytest.raises(InvalidSignature):
        app_proxy.verify(_docs_params(query), ["hush"], now=DOCS_TIME)


def test_an_added_parameter_is_refused() -> None:
    with pytest.raises(InvalidSignature):
        app_proxy.verify([*_docs_params(), ("admin", "1")], ["hush"], now=DOCS_TIME)


def test_a_timestamp_older_than_ninety_seconds_is_refused() -> None:
    with pytest.raises(InvalidSignature, match="too old"):
        app_proxy.verify(_docs_params(), ["hush"], now=DOCS_TIME + 91)


def test_a_timestamp_from_the_future_beyond_the_tolerance_is_refused() -> None:
    with pytest.raises(InvalidSignature):
        app_proxy.verify(_docs_params(), ["hush"], now=DOCS_TIME - 91)


def test_a_signature_made_with_another_shops_secret_is_refused() -> None:
    params = app_proxy.signed_params(_docs_params(), "another-shops-secret")

    with pytest.raises(InvalidSignature):
        app_proxy.verify(params, ["hush"], now=DOCS_TIME)


def test_the_previous_secret_still_verifies_during_a_rotation() -> None:
    assert app_proxy.verify(_docs_params(), ["new-secret", "hush"], now=DOCS_TIME).customer_ref == "1"


def test_a_missing_signature_is_refused() -> None:
    params = [p for p in _docs_params() if p[0] != "signature"]

    with pytest.raises(InvalidSignature):
        app_proxy.verify(params, ["hush"], now=DOCS_TIME)


@pytest.mark.parametrize("key", ["shop", "timestamp", "signature"])
def test_a_repeated_single_valued_parameter_is_refused(key: str) -> None:
    params = _docs_params()
    value = dict(params)[key]

    with pytest.raises(InvalidSignature, match="repeated"):
        app_proxy.verify([*params, (key, value)], ["hush"], now=DOCS_TIME)


def test_a_request_signed_by_the_helper_verifies() -> None:
    params = app_proxy.signed_params(
        [("shop", "https://teeladen.example.de"), ("logged_in_customer_id", "12"), ("timestamp", "1000")],
        "wc-secret",
    )

    assert app_proxy.verify(params, ["wc-secret"], now=1000).customer_ref == "12"


def test_the_claimed_shop_is_read_before_verification_and_must_be_present() -> None:
    assert app_proxy.claimed_shop(_docs_params()) == "shop-name.myshopify.com"
    with pytest.raises(InvalidSignature):
        app_proxy.claimed_shop([("timestamp", "1")])


def test_a_signature_over_pairs_sorted_as_whole_strings_also_verifies() -> None:
    params = [("a", "1"), ("a1", "2"), ("shop", "s.myshopify.com"), ("timestamp", "1000")]
    by_pair = app_proxy.sign(params, "hush", by_pair=True)

    assert by_pair != app_proxy.sign(params, "hush")
    assert app_proxy.verify([*params, ("signature", by_pair)], ["hush"], now=1000).shop == "s.myshopify.com"
