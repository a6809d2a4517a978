"""Which notifications make the webhook's shop copies forget what (app.services.shop_copies)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.services.shop_copies import ShopCopies, ShopCopy


def copy_of(shop_id: int) -> ShopCopy:
    return ShopCopy(SimpleNamespace(id=shop_id), {}, open_referrals=False)


@pytest.fixture
def copies() -> ShopCopies:
    copies = ShopCopies()
    copies.enable()
    copies.put(("shopify", "a.myshopify.com"), copies.token(), copy_of(1))
    copies.put(("shopify", "b.myshopify.com"), copies.token(), copy_of(2))
    return copies


@pytest.mark.parametrize("payload", ["1", "1:referrals"])
def test_a_shop_wide_or_referrals_notification_forgets_that_shop_only(copies: ShopCopies, payload: str) -> None:
    copies.apply(payload)

    assert copies.get(("shopify", "a.myshopify.com")) is None
    assert copies.get(("shopify", "b.myshopify.com")) is not None


def test_a_members_notification_forgets_nothing(copies: ShopCopies) -> None:
    copies.apply("1:42")

    assert copies.get(("shopify", "a.myshopify.com")) is not None


@pytest.mark.parametrize("payload", ["*", "x", "1:what"])
def test_a_notification_it_does_not_understand_forgets_everything(copies: ShopCopies, payload: str) -> None:
    copies.apply(payload)

    assert copies.get(("shopify", "b.myshopify.com")) is None


def test_a_copy_read_before_an_eviction_is_not_kept(copies: ShopCopies) -> None:
    token = copies.token()
    copies.apply("3")

    assert copies.put(("shopify", "c.myshopify.com"), token, copy_of(3)) is False
    assert copies.get(("shopify", "c.myshopify.com")) is None


def test_nothing_is_used_or_kept_while_disabled(copies: ShopCopies) -> None:
    copies.disable()

    assert copies.get(("shopify", "a.myshopify.com")) is None
    assert copies.put(("shopify", "a.myshopify.com"), copies.token(), copy_of(1)) is False
