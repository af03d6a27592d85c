"""`greeter demo`'s F1-F4: virtual taps of the demo cards, wired once at start-up; and the
virtual taps reaching a greeter whose screen never draws."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from greeter import config as greeter_config
from greeter.cards.virtual import send_tap
from greeter.ui.main import Greeter
from greeter.wiring import build_kiosk
from tests.greeter.ui.kiosk_rig import build_rig, write_config

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


@pytest.fixture
def undrawn_greeter(appliance_server, tmp_path, qt_style, monkeypatch) -> Iterator[Greeter]:
    """A greeter started in a window that is never shown, so Qt draws no frame by itself."""
    config_path = write_config(
        tmp_path, url=appliance_server.url, ca=appliance_server.ca_path,
        kiosk_name=appliance_server.kiosk_name, kiosk_secret=appliance_server.kiosk_secret,
        marker=tmp_path / "sessions.txt", event_log=tmp_path / "events.jsonl", pcsc=False,
        virtual_socket=tmp_path / "tap.sock",
    )  # fmt: skip
    config = greeter_config.load(config_path)
    greeter = Greeter(config, lambda executor: build_kiosk(config, executor), windowed=True)
    monkeypatch.setattr(greeter.window, "present", lambda: None)
    try:
        greeter.start()
        yield greeter
    finally:
        greeter.close()


def test_a_screen_that_never_draws_still_reads_cards(undrawn_greeter, tmp_path, qtbot):
    # the readers and the appliance normally start after the first frame; with no frame drawn
    # (the window never shown, as with no display output) they start anyway
    greeter = undrawn_greeter
    qtbot.waitUntil(lambda: greeter.bridge.view.domains != (), timeout=5000)
    send_tap(tmp_path / "tap.sock", "04A1B2C3D4E5F6")
    qtbot.waitUntil(lambda: greeter.bridge.view.screen == "pin", timeout=5000)


def test_ready_is_written_once_when_frames_come_from_a_render_thread(
    undrawn_greeter, tmp_path, qtbot
):
    # on a real display Qt swaps frames on its render thread: two frames may be queued for the
    # UI thread before the first of them is handled (seen in `greeter demo` under Xvfb)
    def two_frames() -> None:
        undrawn_greeter.window.view.frameSwapped.emit()
        undrawn_greeter.window.view.frameSwapped.emit()

    render_thread = threading.Thread(target=two_frames)
    render_thread.start()
    render_thread.join()
    events = tmp_path / "events.jsonl"
    qtbot.waitUntil(lambda: "ready" in events.read_text(), timeout=5000)
    qtbot.wait(300)
    lines = events.read_text().splitlines()
    assert [json.loads(line)["event"] for line in lines].count("ready") == 1
