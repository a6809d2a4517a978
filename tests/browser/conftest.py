"""Browser fixtures: the live app and headless Debian Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from tests.support.live import serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = Path(os.environ.get("LOYALTY_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def sized(browser: object, request: pytest.FixtureRequest) -> Iterator[tuple[Page, int]]:
    """A German page at a phone's width and at a desktop's, and that width."""
    width: int = request.param
    context = browser.new_context(  # type: ignore[attr-defined]
        locale="de-DE", timezone_id="UTC", viewport={"width": width, "height": 844})
    yield context.new_page(), width
    context.close()


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The app under test, served on 127.0.0.1."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    # UTC, whatever the machine's zone: the pages show dates and times in the browser's zone.
    context = browser.new_context(  # type: ignore[attr-defined]
        locale="de-DE", timezone_id="UTC", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page: object, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """`screenshot("name")` saves a PNG under test-artifacts/ (kept by CI as an artifact)."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
