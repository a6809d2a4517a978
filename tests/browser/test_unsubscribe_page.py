"""The unsubscribe page in headless Chromium on a phone: asks, unsubscribes, and takes a mis-click back."""

from __future__ import annotations

import re

import pytest

from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401 - fixture
from tests.support.snapshots import customer, order

pytestmark = pytest.mark.browser


def test_a_shopper_unsubscribes_on_a_phone_and_subscribes_again_after_a_mis_click(
    live_url, page, screenshot, container, shopify_shop, mailer
):
    deliver(container, shopify_shop, order(at=START, buyer=customer(first_name="Jürgen")))
    dispatch(container)
    footer = mailer.sent[0].get_body(("plain",)).get_content()  # the thank-you's footer link
    path = re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", footer).group(1)  # type: ignore[union-attr]
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(live_url + path)
    page.click('[data-testid="unsubscribe-confirm"]')
    page.wait_for_selector('[data-testid="unsubscribe-done"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone
    screenshot("done")
    page.click('[data-testid="unsubscribe-undo"]')

    page.wait_for_selector('[data-testid="unsubscribe-resubscribed"]')
    said = page.inner_text('[data-testid="unsubscribe-resubscribed"]')
    assert said == "Du bist wieder angemeldet und bekommst alle E-Mails von Kaffeerösterei Müller."
    screenshot("resubscribed")
    page.goto(live_url + path)
    assert page.is_visible('[data-testid="unsubscribe-confirm"]')  # subscribed: the link asks again
