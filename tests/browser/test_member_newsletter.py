"""In Chromium: the member page tells whether a newsletter opt-in reached the shop, and why not."""

from __future__ import annotations

from app.services import earning_events
from app.services.admin_sessions import issue_login_link
from app.services.marketing_consent import push_consents
from tests.fakes.shopify_server import FakeShopify
from tests.support import snapshots as s
from tests.support.deliveries import deliver, member_by_email
from tests.support.rewards import client_for, shop_for

SHOPPER = s.customer("7001", "juergen.weiss@example.de", first_name="<b>Jürgen</b>")


def test_the_merchant_sees_that_the_shop_refused_an_opt_in_for_a_missing_scope(
    app, live_url, page, screenshot, clock
):  # type: ignore[no-untyped-def]
    c = app.extensions["container"]
    with FakeShopify() as fake:  # installed before write_customers was asked for
        shop = shop_for(c, "shopify", fake)
        deliver(c, shop, SHOPPER)
        member = member_by_email(c, shop, SHOPPER.email or "")
        earning_events.subscribe_newsletter(c.uow(), shop.id, member.id, clock.now())
        push_consents(c.uow, lambda _p: client_for("shopify", fake), c.box, clock.now())
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shop.id))
    page.goto(link.replace(c.settings.public_url, live_url))

    page.goto(f"{live_url}/admin#members/{member.id}")
    line = page.get_by_test_id("member-newsletter")
    line.wait_for()
    screenshot("member-newsletter-failed")

    assert line.inner_text().startswith("Newsletter: angemeldet · nicht im Shop eingetragen: Der App fehlt")
    assert "bestätigen Sie die neuen Berechtigungen" in line.inner_text()
    assert page.get_by_test_id("member-name").inner_text() == "<b>Jürgen</b> Weiß"
