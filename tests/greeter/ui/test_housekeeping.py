"""The greeter gives back what a login used once the session runs, and leaves nothing frozen
behind when it closes (see `greeter.ui.housekeeping`)."""

from __future__ import annotations

import gc
import linecache
import weakref

import pytest
from PySide6.QtQml import QQmlEngine

from greeter.ui.housekeeping import Housekeeping
from tests.greeter.ui.kiosk_rig import build_rig, sign_in

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]

ALICE = bytes.fromhex("04A1B2C3D4E5F6")


class Leftover:
    """Stands for what a login leaves in a reference cycle (a screen's closures, a reply)."""

    me: Leftover


@pytest.fixture
def kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style):
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=True)


def test_a_login_s_leftovers_are_collected_once_the_session_runs(kiosk, pcscd):
    # what start-up built is out of the collector's walks once the kiosk is ready
    assert gc.get_freeze_count() > 0
    gc.disable()  # only the greeter's own round may collect the cycle
    try:
        leftover = Leftover()
        leftover.me = leftover
        gone = weakref.ref(leftover)
        del leftover
        # source text read meanwhile (PySide6's import hook reads every new module's)
        assert linecache.getlines(__file__)
        sign_in(kiosk, pcscd, ALICE, "1234", role="R8000")
        kiosk.wait_session_for("alice")
        kiosk.qtbot.waitUntil(lambda: gone() is None, timeout=3000)
    finally:
        gc.enable()
    assert kiosk.greeter.window.housekeeping.rounds == 1
    assert __file__ not in linecache.cache


def test_closing_unfreezes_what_start_up_froze(qtbot):
    housekeeping = Housekeeping(QQmlEngine())
    assert linecache.getlines(__file__)
    housekeeping.settle_start_up()
    assert __file__ not in linecache.cache  # read at start-up, not kept for the process's life
    assert gc.get_freeze_count() > 0
    housekeeping.close()
    assert gc.get_freeze_count() == 0
