"""The admin API's segment views on money filters and redacted members: the same members in every view."""

from __future__ import annotations

from app.services.privacy import redact_member_by_admin
from tests.support.admin import admin_headers
from tests.support.analytics_data import add_member, add_order, at, worked_example


def test_a_minimum_spend_matches_orders_that_add_up_to_it_exactly(client, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        m = add_member(uow.session, shopify_shop, "m", "m@example.de")
        add_order(uow.session, shopify_shop, "1", "2024-02-01", "10.01", member=m)
        add_order(uow.session, shopify_shop, "2", "2024-02-02", "20.04", member=m)
        uow.commit()
    headers = admin_headers(shopify_shop)

    preview = client.get("/admin/api/campaigns/preview?kind=filter&min_spend=30.05", headers=headers)
    members = client.get("/admin/api/segments/members?kind=filter&min_spend=30.05", headers=headers)

    assert preview.get_json() == {"count": 1, "members": 1, "consent_only": False}
    assert [(row["email"], row["revenue"]) for row in members.get_json()["members"]] == [("m@example.de", "30.05")]


def test_the_segments_overview_counts_the_members_the_lists_show_after_a_redaction(  # type: ignore[no-untyped-def]
    client, container, shopify_shop
) -> None:
    ids = worked_example(container, shopify_shop)
    redact_member_by_admin(container.uow(), shopify_shop.id, ids["alice"], actor="test", now=at("2026-01-05"))
    headers = admin_headers(shopify_shop)

    overview = client.get("/admin/api/segments", headers=headers).get_json()
    listed = [client.get(f"/admin/api/segments/members?kind=abc&value={k}", headers=headers).get_json()["count"]
              for k in "ABC"]

    assert [row["members"] for row in overview["abc"]] == listed == [2, 1, 0]  # dave, carol; bob
