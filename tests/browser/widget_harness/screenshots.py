"""Screenshot the widget against the stub server (desktop + 375px, DE + EN, member + guest).

    /work/venv/bin/python tests/browser/widget_harness/screenshots.py [/tmp/widget-shots]

Needs the playwright package and a Chromium binary on PATH (`chromium`).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stub_server import serve_in_thread  # noqa: E402

CASES = [
    ("member-de", "mode=member&locale=de"),
    ("member-en", "mode=member&shop=en&locale=en"),
    ("guest-de", "mode=guest&locale=de"),
    ("guest-en", "mode=guest&shop=en&locale=en"),
]
VIEWPORTS = [("desktop", 1280, 900), ("mobile", 375, 740)]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/widget-shots")
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve_in_thread()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for name, query in CASES:
                for vp, width, height in VIEWPORTS:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"{base}/?{query}")
                    page.locator("[data-testid=launcher]").click()
                    page.locator("[data-testid=panel] .lw-card").first.wait_for()
                    page.wait_for_timeout(300)  # open animation
                    page.screenshot(path=str(out / f"{name}-{vp}.png"))
                    page.close()
            browser.close()
    finally:
        server.shutdown()
    sys.stdout.write(f"screenshots in {out}\n")


if __name__ == "__main__":
    main()
