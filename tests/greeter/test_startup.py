"""Start-up loads only what the idle screen needs: the session machinery (psutil, the closer)
waits for the first login and the demo's key map for `greeter demo`. `bench/greeter_start.py`
measures the time; this keeps a stray import from quietly putting the cost back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = [
    "psutil",
    "greeter.session.runner",
    "greeter.session.closer",
    "greeter.ui.demo_keys",
    # a kiosk that is set up never shows the not-set-up screen; the demo's parts are the demo's
    "greeter.ui.not_set_up",
    "greeter.ui.stand_in",
    "greeter.demo",
    "greeter.doctor",
]


def test_starting_the_greeter_defers_the_session_machinery():
    script = (
        "import json, sys\n"
        "import greeter.cli, greeter.ui.supervisor, greeter.wiring, greeter.config\n"
        f"print(json.dumps([m for m in {DEFERRED!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
