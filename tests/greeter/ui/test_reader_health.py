"""The idle screen and `greeter doctor` agree on whether this kiosk can read cards: the real
greeter (with virtual taps listening, as in the demo) and the doctor look at the same isolated
pcscd, with its readers plugged in, unplugged, or pcscd not running."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from greeter import config as greeter_config
from greeter.cards.doctor import DoctorReport, diagnose
from tests.greeter.ui.kiosk_rig import KioskRig, build_rig

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]


@contextmanager
def kiosk_with_virtual_taps(appliance, tmp_path, qtbot) -> Iterator[KioskRig]:
    # Unix socket paths are short (108 bytes): pytest's tmp_path can be too long
    with tempfile.TemporaryDirectory(prefix="tk-") as directory:
        yield from build_rig(
            tmp_path, appliance, qtbot, pcsc=True, virtual_socket=Path(directory) / "t.sock"
        )


def settled_health(kiosk: KioskRig) -> tuple[str, str]:
    """What the idle screen says once the PC/SC source has reported: (top bar, hint)."""

    def reported() -> bool:
        statuses = kiosk.greeter.kiosk.state.readers
        return any(s.source == "pcsc" and s.service != "starting" for s in statuses)

    kiosk.qtbot.waitUntil(reported, timeout=10000)
    kiosk.screen.settle()
    return kiosk.screen.text("readerHealth"), kiosk.screen.text("idleHint")


def doctor(tmp_path: Path) -> DoctorReport:
    """`greeter doctor`'s card checks on the kiosk's own config."""
    return diagnose(greeter_config.load(tmp_path / "greeter.toml").cards)


@pytest.mark.parametrize("problem", ["reader unplugged", "pcscd not running"])
def test_with_no_working_reader_both_say_the_kiosk_cannot_read_cards(
    problem, pcscd, appliance_server, tmp_path, qtbot, qt_style
):
    if problem == "reader unplugged":
        pcscd.unplug_all()
    else:
        pcscd.stop()
    with kiosk_with_virtual_taps(appliance_server, tmp_path, qtbot) as kiosk:
        health, hint = settled_health(kiosk)
        report = doctor(tmp_path)
        assert not report.ok, report.render()
        assert health == "Card reader not working"
        # the same reason, word for word, on the screen and in the doctor's result
        assert hint == report.readiness.message
        assert f"cannot read cards: {hint}" in report.render()


def test_with_a_reader_both_say_the_kiosk_can_read_cards(
    pcscd, appliance_server, tmp_path, qtbot, qt_style
):
    with kiosk_with_virtual_taps(appliance_server, tmp_path, qtbot) as kiosk:
        health, _hint = settled_health(kiosk)
        report = doctor(tmp_path)
        assert report.ok, report.render()
        assert health == "Card reader ready"
        assert "Result: the kiosk can read cards" in report.render()
