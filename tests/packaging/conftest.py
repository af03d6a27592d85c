from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rig.pcsc import pcscd, pcscd_socket_dir

__all__ = ["SIDES", "build_debs", "debs", "pcscd", "pcscd_socket_dir"]

ROOT = Path(__file__).resolve().parents[2]
SIDES = ("kiosk", "appliance")


def build_debs(source: Path, out: Path) -> dict[str, Path]:
    """Both packages built by `source`'s packaging/build-deb into `out`, by side."""
    # the wheel cache is the builder's (~/.cache/tapkiosk/wheels): a rebuild downloads nothing
    built = subprocess.run(
        [str(source / "packaging" / "build-deb"), "--out", str(out), "--fast"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, "HOME": os.environ["HOME"]},
    )
    assert built.returncode == 0, built.stderr
    paths = [Path(line) for line in built.stdout.split()]
    return {
        side: next(p for p in paths if p.name.startswith(f"tapkiosk-{side}_")) for side in SIDES
    }


@pytest.fixture(scope="session")
def debs(tmp_path_factory) -> dict[str, Path]:
    """This checkout's two packages, built once for every test that looks at or installs them."""
    return build_debs(ROOT, tmp_path_factory.mktemp("dist"))
