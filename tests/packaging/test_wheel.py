"""The screens live in the repository's top-level qml/; a greeter installed from the wheel, in a
fresh venv away from the checkout, must still draw them (not the fallback) and speak Swedish."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNBUILT = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache")
pytestmark = pytest.mark.slow

# run by the venv's python: the idle screen as an installed greeter draws it
DRAW_IDLE = """
import json, sys
from PySide6.QtCore import QLocale
import greeter
from greeter.flow.model import View
from greeter.ui.bridge import GreeterBridge
from greeter.ui.i18n import Translations
from greeter.ui.qml_dir import QML_DIR
from greeter.ui.window import GreeterWindow, application

app = application(sys.argv)
translations = Translations(app, QLocale(sys.argv[1]))
window = GreeterWindow(
    GreeterBridge(lambda event: None, View(kiosk_name="bay3", domains=("DEMO",))),
    fullscreen=False, ui_language=translations.ui_language,
)
window.present()
app.processEvents()
headline = window.find("idleHeadline")
print(json.dumps({
    "greeter": greeter.__file__,
    "qml_dir": str(QML_DIR),
    "fallback": window.used_fallback,
    "problem": window.load_problem,
    "headline": headline.property("text") if headline is not None else None,
}))
window.close()
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv holding only the project's wheel; its dependencies (PySide6 and the rest)
    are read from the test's own environment, so installing it needs no network."""
    tmp = tmp_path_factory.mktemp("wheel")
    # from a copy: setuptools would reuse (and leave) the checkout's ./build, stale or not
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*UNBUILT))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(tmp / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=tmp,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("tapkiosk-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        cwd=tmp,
    )
    assert installed.returncode == 0, installed.stderr
    # after the venv's own site-packages on sys.path, so its greeter is the wheel's
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


def _draw_idle(venv: Path, locale: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    drawn = subprocess.run(
        [str(venv / "bin" / "python"), "-c", DRAW_IDLE, locale],
        capture_output=True,
        text=True,
        cwd=venv,
        env=env,
        timeout=120,
    )
    assert drawn.returncode == 0, drawn.stderr
    result: dict[str, object] = json.loads(drawn.stdout.splitlines()[-1])
    return result


def test_a_greeter_installed_from_the_wheel_draws_the_real_idle_screen(venv):
    drawn = _draw_idle(venv, "en_GB")
    # the wheel's greeter and screens, not the checkout's
    assert str(drawn["greeter"]).startswith(str(venv))
    assert str(drawn["qml_dir"]).startswith(str(venv))
    assert drawn["fallback"] is False, drawn["problem"]
    assert drawn["headline"] == "Tap your card"


def test_the_installed_greeter_carries_its_translations(venv):
    assert _draw_idle(venv, "sv_SE")["headline"] == "Blippa ditt kort"
