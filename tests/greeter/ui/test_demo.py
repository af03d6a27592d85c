"""`greeter demo`'s F1-F4: virtual taps of the demo cards, wired once at start-up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.greeter.ui.kiosk_rig import build_rig

pytestmark = [pytest.mark.ui, pytest.mark.slow]


@pytest.fixture
def demo_kiosk(appliance_server, tmp_path, qtbot, qt_style):
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=False, demo=True)


@pytest.fixture
def plain_kiosk(appliance_server, tmp_path, qtbot, qt_style):
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=False)


def test_f1_taps_alices_card_and_f2_an_unknown_one(demo_kiosk):
    demo_kiosk.screen.press(Qt.Key.Key_F1)
    demo_kiosk.wait_screen("pin")
    assert demo_kiosk.screen.text("pinGreeting") == "Hello, Alice Adams"
    demo_kiosk.screen.press(Qt.Key.Key_F2)
    demo_kiosk.wait_screen("enroll_card")
    card = demo_kiosk.events("card")[-1]
    assert card["source"] == "virtual"
    assert "04B0B0B0B0B0B0" not in demo_kiosk.event_log.read_text()


def test_f3_is_carol_and_f4_is_ravi(demo_kiosk):
    demo_kiosk.screen.press(Qt.Key.Key_F3)
    demo_kiosk.wait_screen("password")
    assert demo_kiosk.screen.text("passwordTitle") == "Hello, Carol Clark"
    demo_kiosk.screen.press(Qt.Key.Key_F4)
    demo_kiosk.wait_screen("pin")
    assert demo_kiosk.screen.text("pinGreeting") == "Hello, Ravi Rao"


def test_without_demo_the_f_keys_do_nothing(plain_kiosk):
    plain_kiosk.screen.press(Qt.Key.Key_F1)
    plain_kiosk.qtbot.wait(500)
    assert plain_kiosk.showing() == "idle"
    assert plain_kiosk.events("card") == []
