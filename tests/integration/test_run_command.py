"""`loyalty run --port`: the links the server writes (install redirects, emails) name the port it serves on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from tests.support.net import free_port, wait_until_up


def test_loyalty_run_on_another_port_writes_links_to_that_port_and_says_how_other_commands_learn_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOYALTY_")}
    env["LOYALTY_INSTANCE_PATH"] = str(tmp_path / "instance")
    loyalty = shutil.which("loyalty", path=str(Path(sys.executable).parent))
    assert loyalty is not None
    log = (tmp_path / "run.log").open("wb")
    server = subprocess.Popen([loyalty, "run", "--port", str(port), "--no-worker"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        start = requests.get(f"{base}/auth/woocommerce", params={"store_url": "https://teeladen.example.de/"},
                             allow_redirects=False, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=15)
    printed = (tmp_path / "run.log").read_text()

    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["return_url"] == [f"{base}/auth/woocommerce/return"]
    assert query["callback_url"] == [f"{base}/auth/woocommerce/callback"]
    assert f"export LOYALTY_PUBLIC_URL={base}" in printed
