"""Admin API: the members list pages through all of a shop's members, with the total and each member's tier."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask.testing import FlaskClient

from app.container import Container
from app.models import Member, MemberTier, Shop, Tier
from app.services.shops import NewShop, add_shop
from tests.support.admin import admin_headers


def _members(container: Container, shop: Shop, count: int, now: datetime) -> list[int]:
    with container.uow() as uow:
        rows = [Member(shop_id=shop.id, customer_ref=f"c{i}", email=f"m{i}@example.de", first_name=f"M{i}",
                       joined_at=now, updated_at=now) for i in range(count)]
        uow.session.add_all(rows)
        uow.session.flush()
        ids = [row.id for row in rows]
        uow.commit()
    return ids


def _give_tier(container: Container, shop: Shop, member_id: int, now: datetime) -> None:
    with container.uow() as uow:
        uow.session.add(Tier(shop_id=shop.id, key="gold", name="Gold", threshold=500, position=0))
        uow.session.add(MemberTier(member_id=member_id, shop_id=shop.id, tier_key="gold", since=now))
        uow.commit()


def test_the_members_list_pages_by_offset_and_tells_the_total(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    ids = _members(container, shopify_shop, 7, container.clock.now())
    headers = admin_headers(shopify_shop)
    first = client.get("/admin/api/members?limit=5", headers=headers).json
    second = client.get("/admin/api/members?limit=5&offset=5", headers=headers).json
    assert (first["total"], second["total"]) == (7, 7)
    assert [m["id"] for m in first["members"] + second["members"]] == sorted(ids, reverse=True)


def test_a_search_counts_only_its_matches(client: FlaskClient, container: Container, shopify_shop: Shop) -> None:
    _members(container, shopify_shop, 12, container.clock.now())
    page = client.get("/admin/api/members?q=m1", headers=admin_headers(shopify_shop)).json
    assert page["total"] == 3  # m1, m10, m11
    assert {m["email"] for m in page["members"]} == {"m1@example.de", "m10@example.de", "m11@example.de"}


def test_percent_and_underscore_in_a_search_are_characters_not_wildcards(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _members(container, shopify_shop, 3, container.clock.now())
    with container.uow() as uow:
        now = container.clock.now()
        uow.session.add(Member(shop_id=shopify_shop.id, customer_ref="p", email="rabatt_50%@example.de",
                               first_name="Rabatt", joined_at=now, updated_at=now))
        uow.commit()
    headers = admin_headers(shopify_shop)

    percent = client.get("/admin/api/members?q=%25", headers=headers).json
    underscore = client.get("/admin/api/members?q=t_5", headers=headers).json

    assert [m["email"] for m in percent["members"]] == ["rabatt_50%@example.de"]
    assert [m["email"] for m in underscore["members"]] == ["rabatt_50%@example.de"]
    assert client.get("/admin/api/members?q=m_@", headers=headers).json["total"] == 0


def test_each_member_in_the_list_shows_the_current_tier_name(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    gold, plain = _members(container, shopify_shop, 2, container.clock.now())
    _give_tier(container, shopify_shop, gold, container.clock.now())
    rows = client.get("/admin/api/members", headers=admin_headers(shopify_shop)).json["members"]
    assert {m["id"]: m["tier"] for m in rows} == {gold: "Gold", plain: None}


def test_the_total_and_the_rows_are_those_of_the_signed_in_shop_only(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    other = add_shop(container.uow(), container.box, NewShop("shopify", "other.myshopify.com"), container.clock.now())
    _members(container, other, 4, container.clock.now())
    mine = _members(container, shopify_shop, 2, container.clock.now())
    page = client.get("/admin/api/members", headers=admin_headers(shopify_shop)).json
    assert page["total"] == 2
    assert sorted(m["id"] for m in page["members"]) == sorted(mine)


def _joined(container: Container, shop: Shop, joined: dict[str, datetime]) -> dict[str, int]:
    """Members by email, joined on the given days (in another order than their ids, as an import does)."""
    with container.uow() as uow:
        rows = {email: Member(shop_id=shop.id, customer_ref=email, email=email, joined_at=at, updated_at=at)
                for email, at in joined.items()}
        uow.session.add_all(rows.values())
        uow.session.flush()
        ids = {email: row.id for email, row in rows.items()}
        uow.commit()
    return ids


def test_the_members_list_is_ordered_by_the_day_members_joined_newest_first_or_oldest_first(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    now = container.clock.now()
    _joined(container, shopify_shop, {"mitte@example.de": now - timedelta(days=30),
                                      "alt@example.de": now - timedelta(days=400), "neu@example.de": now})
    headers = admin_headers(shopify_shop)

    newest = client.get("/admin/api/members", headers=headers).json["members"]
    oldest = client.get("/admin/api/members?sort=joined_asc", headers=headers).json["members"]

    assert [m["email"] for m in newest] == ["neu@example.de", "mitte@example.de", "alt@example.de"]
    assert [m["email"] for m in oldest] == ["alt@example.de", "mitte@example.de", "neu@example.de"]
    assert newest[0]["joined_at"].startswith(now.date().isoformat())


def test_an_unknown_member_sort_is_refused_with_a_field_error(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    response = client.get("/admin/api/members?sort=balance;drop", headers=admin_headers(shopify_shop))
    assert response.status_code == 422
    assert "sort" in str(response.json["errors"])
