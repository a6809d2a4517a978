"""In Chromium: the admin page's Content-Security-Policy refuses script that got into the page as markup."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page

from app.models import Shop
from tests.support.admin import sign_in_page

pytestmark = pytest.mark.browser

INJECTED = '<img src=x onerror="window.__xss=1">'
# Puts the markup in and answers when the image has failed to load: its own onerror handler, had the policy let
# it, ran just before this listener (listeners run in the order they were added), so nothing waits on a clock.
INJECT = """html => new Promise((resolve) => {
  document.body.insertAdjacentHTML("beforeend", html);
  document.body.lastElementChild.addEventListener("error", () => resolve(typeof window.__xss));
})"""


def test_an_inline_handler_that_got_into_the_admin_page_does_not_run(
    app: Flask, live_url: str, page: Page, shopify_shop: Shop
) -> None:
    sign_in_page(app, page, live_url, shopify_shop)

    assert page.evaluate(INJECT, INJECTED) == "undefined"


def test_without_the_policy_the_same_markup_runs(app: Flask, live_url: str, browser, shopify_shop: Shop) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    sign_in_page(app, page, live_url, shopify_shop)

    ran = page.evaluate(INJECT, INJECTED)

    context.close()
    assert ran == "number"  # the check above can fail: it is the policy that stops the handler
