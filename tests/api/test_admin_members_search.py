"""Admin API: the member search folds case and accents alike on SQLite and PostgreSQL and matches every word of a
full name in any order; the list sorts by balance and name, filters by tier and pending points, within one shop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.container import Container
from app.models import Member, MemberTier, Shop, Tier
from app.services.shops import NewShop, add_shop
from tests.support.admin import admin_headers
from tests.support.deliveries import member_by_email
from tests.support.referrals import FRIEND, REFERRER, refer_a_friend_who_orders

# (email, first name, last name, balance, pending)
GERMAN_MEMBERS = [
    ("a.oeztuerk@example.de", "Ali", "Öztürk", 120, 0),
    ("oezlem@example.de", "Özlem", "Yılmaz", 40, 40),
    ("aenne@example.de", "Änne", "Weiß", 300, 0),
    ("lena@example.de", "Lena", "Schröder", 75, 25),
    ("jk@example.de", "Jürgen-Ötzi", "Köhler", 0, 0),
    ("paul@example.de", "Paul", "Strasse", 10, 0),
]


def _add(container: Container, shop: Shop, rows: list[tuple[str, str, str, int, int]]) -> dict[str, int]:
    """Members by email, each joined a day after the one before."""
    now = container.clock.now()
    with container.uow() as uow:
        members = {email: Member(shop_id=shop.id, customer_ref=f"{shop.id}-{email}", email=email, first_name=first,
                                 last_name=last, balance=balance, pending=pending,
                                 joined_at=now - timedelta(days=len(rows) - i), updated_at=now)
                   for i, (email, first, last, balance, pending) in enumerate(rows)}
        uow.session.add_all(members.values())
        uow.session.flush()
        ids = {email: member.id for email, member in members.items()}
        uow.commit()
    return ids


def _emails(client: FlaskClient, shop: Shop, query: str) -> list[str]:
    response = client.get(f"/admin/api/members?{query}", headers=admin_headers(shop))
    assert response.status_code == 200, response.json
    return [m["email"] for m in response.json["members"]]


@pytest.mark.parametrize(("typed", "found"), [
    ("Öztürk", "a.oeztuerk@example.de"), ("öztürk", "a.oeztuerk@example.de"), ("ÖZTÜRK", "a.oeztuerk@example.de"),
    ("Özlem", "oezlem@example.de"), ("Änne", "aenne@example.de"), ("änne", "aenne@example.de"),
    ("Ozturk", "a.oeztuerk@example.de"), ("WEISS", "aenne@example.de"), ("Weiß", "aenne@example.de"),
    ("yilmaz", "oezlem@example.de"), ("Köhler", "jk@example.de"),
])
def test_a_search_for_a_german_name_finds_it_whatever_its_case_and_accents(
    client: FlaskClient, container: Container, shopify_shop: Shop, typed: str, found: str
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)
    assert _emails(client, shopify_shop, f"q={typed}") == [found]


@pytest.mark.parametrize("typed", ["Lena Schröder", "Schröder, Lena", "schroder lena", "  lena ,schröder  ",
                                   "Lena lena@example"])
def test_a_full_name_finds_the_member_in_any_order_with_commas_ignored(
    client: FlaskClient, container: Container, shopify_shop: Shop, typed: str
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)
    assert _emails(client, shopify_shop, f"q={typed}") == ["lena@example.de"]


def test_a_double_name_with_a_hyphen_is_found_with_the_last_name(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)
    assert _emails(client, shopify_shop, "q=Jürgen-Ötzi Köhler") == ["jk@example.de"]


def test_every_word_of_a_search_must_match_not_just_one(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)
    assert _emails(client, shopify_shop, "q=Lena Köhler") == []


def test_a_search_of_only_commas_and_spaces_lists_everyone(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)
    response = client.get("/admin/api/members?q=%2C%20%2C", headers=admin_headers(shopify_shop))
    assert response.json["total"] == len(GERMAN_MEMBERS)


def test_the_list_sorts_by_balance_highest_or_lowest_first(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)

    highest = _emails(client, shopify_shop, "sort=balance_desc")
    lowest = _emails(client, shopify_shop, "sort=balance_asc")

    assert highest == ["aenne@example.de", "a.oeztuerk@example.de", "lena@example.de", "oezlem@example.de",
                       "paul@example.de", "jk@example.de"]
    assert lowest == list(reversed(highest))


def test_the_list_sorts_by_last_name_with_umlauts_among_their_base_letters(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)

    by_name = _emails(client, shopify_shop, "sort=name_asc")

    # Köhler, Öztürk (as O), Schröder, Strasse, Weiß, Yılmaz
    assert by_name == ["jk@example.de", "a.oeztuerk@example.de", "lena@example.de", "paul@example.de",
                       "aenne@example.de", "oezlem@example.de"]
    assert _emails(client, shopify_shop, "sort=name_desc") == list(reversed(by_name))


def test_the_list_can_show_only_members_with_pending_points(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    _add(container, shopify_shop, GERMAN_MEMBERS)
    page = client.get("/admin/api/members?with_pending=true&sort=balance_desc",
                      headers=admin_headers(shopify_shop)).json
    assert [m["email"] for m in page["members"]] == ["lena@example.de", "oezlem@example.de"]
    assert page["total"] == 2


def _tiers(container: Container, shop: Shop, members: dict[str, str]) -> None:
    """Gold and Silber tiers in `shop`, and each member (by id) in the tier of the given key."""
    now = container.clock.now()
    with container.uow() as uow:
        uow.session.add_all([Tier(shop_id=shop.id, key="silber", name="Silber", threshold=100, position=0),
                             Tier(shop_id=shop.id, key="gold", name="Gold", threshold=500, position=1)])
        uow.session.add_all([MemberTier(member_id=int(member_id), shop_id=shop.id, tier_key=key, since=now)
                             for member_id, key in members.items()])
        uow.commit()


def test_the_list_can_show_only_the_members_of_one_tier_with_their_total(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    ids = _add(container, shopify_shop, GERMAN_MEMBERS)
    _tiers(container, shopify_shop, {str(ids["aenne@example.de"]): "gold", str(ids["lena@example.de"]): "gold",
                                      str(ids["paul@example.de"]): "silber"})

    gold = client.get("/admin/api/members?tier=gold&sort=name_asc", headers=admin_headers(shopify_shop)).json

    assert [(m["email"], m["tier"]) for m in gold["members"]] == [("lena@example.de", "Gold"),
                                                                    ("aenne@example.de", "Gold")]
    assert gold["total"] == 2
    assert _emails(client, shopify_shop, "tier=platin") == []


def test_search_sort_and_filters_never_show_another_shops_members(
    client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    other = add_shop(container.uow(), container.box, NewShop("shopify", "other.myshopify.com"), container.clock.now())
    theirs = _add(container, other, [(f"x-{email}", first, last, balance + 1000, pending + 5)
                                     for email, first, last, balance, pending in GERMAN_MEMBERS])
    _tiers(container, other, {str(member_id): "gold" for member_id in theirs.values()})
    mine = _add(container, shopify_shop, GERMAN_MEMBERS[:2])
    with container.uow() as uow:
        uow.session.add(Tier(shop_id=shopify_shop.id, key="gold", name="Gold", threshold=500, position=0))
        uow.commit()

    for query in ("sort=balance_desc", "sort=name_asc", "q=Öztürk", "with_pending=true", "tier=gold",
                  "q=Lena Schröder&sort=balance_asc"):
        page = client.get(f"/admin/api/members?{query}", headers=admin_headers(shopify_shop)).json
        assert {m["id"] for m in page["members"]} <= set(mine.values()), query
        assert page["total"] == len(page["members"]), query


@pytest.mark.parametrize("query", ["sort=balance", "tier=Gold!", "tier=" + "g" * 41, "with_pending=vielleicht"])
def test_an_unknown_sort_or_a_malformed_filter_is_refused_with_a_field_error(
    client: FlaskClient, shopify_shop: Shop, query: str
) -> None:
    response = client.get(f"/admin/api/members?{query}", headers=admin_headers(shopify_shop))
    assert response.status_code == 422
    assert query.split("=")[0] in str(response.json["errors"])


def test_the_openapi_document_describes_the_members_sorts_and_filters(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    parameters = {p["name"]: p for p in spec["paths"]["/admin/api/members"]["get"]["parameters"]}
    assert set(parameters["sort"]["schema"]["enum"]) == {
        "joined_desc", "joined_asc", "balance_desc", "balance_asc", "name_asc", "name_desc"}
    assert parameters["tier"]["schema"]["pattern"] == "^[a-z0-9_-]+$"
    assert parameters["with_pending"]["schema"]["type"] == "boolean"


def test_a_members_page_names_the_member_who_referred_them(
    client: FlaskClient, container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    refer_a_friend_who_orders(container, shopify_shop, clock, settle=False)
    referrer = member_by_email(container, shopify_shop, REFERRER.email or "")
    friend = member_by_email(container, shopify_shop, FRIEND.email or "")
    headers = admin_headers(shopify_shop)

    friends_page = client.get(f"/admin/api/members/{friend.id}", headers=headers).json
    referrers_page = client.get(f"/admin/api/members/{referrer.id}", headers=headers).json

    assert friends_page["referred_by"] == {"id": referrer.id, "name": referrer.display_name}
    assert referrers_page["referred_by"] is None
