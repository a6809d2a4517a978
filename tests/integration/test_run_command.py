"""`loyalty run --port`: the links the server writes (install redirects, emails) name the port it serves on."""

from __future__ import annotations

import os
import shutil
import socket
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


def test_loyalty_run_on_a_busy_port_says_so_in_one_line_without_announcing_itself(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOYALTY_")}
    env["LOYALTY_INSTANCE_PATH"] = str(tmp_path / "instance")
    loyalty = shutil.which("loyalty", path=str(Path(sys.executable).parent))
    assert loyalty is not None
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        done = subprocess.run([loyalty, "run", "--port", str(port), "--no-worker"], env=env, capture_output=True,
                              text=True, timeout=60)

    assert done.returncode == 1
    assert "loyalty backend on" not in done.stdout
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "Error" in line or "in use" in line]
    assert errors == [f"Error: cannot listen on 127.0.0.1:{port}: Address already in use (is another server running "
                      "there? choose another --port)"]
