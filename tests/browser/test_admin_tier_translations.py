"""In Chromium: the tiers editor takes each tier's name and perks in the language that is not the shop's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from app.container import Container
from app.models import Shop
from app.services.tiers import tier_program
from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

UNNAMED = """() => [...document.querySelector("[data-testid=tiers-form]").querySelectorAll("input, select, textarea")]
  .filter((el) => ![...(el.labels || [])].some((label) => label.textContent.trim()))
  .map((el) => el.name)"""


def add_tier(page: Page, key: str, name: str, threshold: str) -> None:
    page.get_by_test_id("tier-add").click()
    page.get_by_test_id("rw-tiers.0.key").fill(key)
    page.get_by_test_id("rw-tiers.0.name").fill(name)
    page.get_by_test_id("rw-tiers.0.threshold").fill(threshold)


def save(page: Page) -> None:
    page.get_by_test_id("tiers-preview").click()
    page.get_by_test_id("tier-preview").wait_for()
    page.get_by_test_id("tiers-save").click()
    page.get_by_test_id("toast-ok").wait_for()


def test_an_english_tier_name_and_perks_are_saved_and_shown_again_after_a_reload(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-rewards").click()
    add_tier(page, "silber", "Silber", "100")
    page.get_by_label("Name (Englisch, optional)").fill("Silver")
    page.get_by_label("Vorteile (Englisch, eine Zeile je Vorteil)").fill("Free shipping\nEarly access")
    assert page.evaluate(UNNAMED) == []

    save(page)
    page.reload()
    page.get_by_test_id("tab-rewards").click()

    expect(page.get_by_test_id("rw-tiers.0.translations.en.name")).to_have_value("Silver")
    expect(page.get_by_test_id("rw-tiers.0.translations.en.perks")).to_have_value("Free shipping\nEarly access")
    assert tier_program(container.uow(), shopify_shop.id)["tiers"][0]["translations"] == {
        "en": {"name": "Silver", "perks": ["Free shipping", "Early access"]}}


def test_an_english_shop_translates_its_tiers_into_german(  # type: ignore[no-untyped-def]
    app, container: Container, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    with container.uow() as uow:
        uow.session.execute(update(Shop).where(Shop.id == shopify_shop.id).values(locale="en"))
        uow.commit()
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-rewards").click()
    add_tier(page, "silver", "Silver", "100")

    page.get_by_label("Name (German, optional)").fill("Silber")
    save(page)

    assert tier_program(container.uow(), shopify_shop.id)["tiers"][0]["translations"] == {
        "de": {"name": "Silber", "perks": []}}
