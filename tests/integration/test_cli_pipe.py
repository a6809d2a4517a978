"""`loyalty … | head`: a pipe whose reader stops early ends the command quietly, as other command-line tools do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_a_report_piped_into_a_reader_that_stops_early_ends_without_an_error_line(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOYALTY_")}
    env["LOYALTY_INSTANCE_PATH"] = str(tmp_path / "instance")
    loyalty = shutil.which("loyalty", path=str(Path(sys.executable).parent))
    assert loyalty is not None
    for setup in (["db", "upgrade"], ["shops", "add", "shopify", "kaffee-mueller.myshopify.com"]):
        subprocess.run([loyalty, *setup], env=env, capture_output=True, check=True, timeout=120)

    report = subprocess.Popen([loyalty, "report", "kaffee-mueller.myshopify.com", "--json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert report.stdout is not None
    assert report.stderr is not None
    report.stdout.close()  # the reader is gone before the first line: every write meets a broken pipe
    said = report.stderr.read().decode()
    report.wait(timeout=120)

    assert said == ""  # not "Error: [Errno 32] Broken pipe"
