"""The window around the screens: translations, a site theme, and the fallback that keeps a
kiosk from ever going blank."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QLocale, Qt

from greeter.flow.model import PasswordSubmitted, PinEntered, View
from greeter.ui.bridge import GreeterBridge
from greeter.ui.i18n import I18N_DIR, Translations, choose_locale
from greeter.ui.window import GreeterWindow

pytestmark = pytest.mark.ui

IDLE = View(kiosk_name="ward7-bay3", domains=("DEMO", "NHS"))


@pytest.fixture
def swedish(qapp, qt_style):
    translations = Translations(qapp, QLocale("sv_SE"))
    yield translations
    translations.remove()


def test_swedish_is_shipped_compiled(qapp):
    assert (I18N_DIR / "tapkiosk_sv.qm").is_file()
    assert (I18N_DIR / "tapkiosk_en.qm").is_file()


def test_the_kiosk_speaks_swedish_when_configured(make_screen, swedish):
    assert swedish.language == "sv"
    bridge, screen = make_screen(IDLE, ui_language=swedish.ui_language)
    assert screen.text("idleHeadline") == "Blippa ditt kort"
    assert screen.text("readerHealth") == "Kortläsaren är redo"
    bridge.show(replace(IDLE, screen="pin", error_key="bad_pin", attempts_left=2))
    screen.settle()
    assert screen.text("bannerText") == "Fel PIN-kod. 2 försök kvar: skriv den igen."
    bridge.show(replace(IDLE, screen="pin", offline=True))
    screen.settle()
    assert screen.text("pinOffline").startswith("Datorn är offline: ")
    bridge.show(replace(IDLE, screen="locked", can_password_login=True))
    screen.settle()
    assert screen.text("passwordLoginButton") == "Logga in med lösenord"
    bridge.show(replace(IDLE, screen="password"))
    screen.settle()
    # the on-screen keyboard has å, ä and ö in Swedish
    assert screen.has("osk_å")


def test_an_unshipped_locale_speaks_english(qapp, qt_style):
    translations = Translations(qapp, QLocale("de_DE"))
    try:
        assert translations.language == "en"
    finally:
        translations.remove()


def test_locale_from_config_else_system(qapp):
    assert choose_locale("sv_SE").name() == "sv_SE"
    assert choose_locale(None).name() == QLocale.system().name()


def test_the_kiosk_window_has_no_frame_and_stays_above_the_session(qapp, qt_style, recorder):
    window = GreeterWindow(GreeterBridge(recorder, IDLE), fullscreen=True)
    try:
        flags = window.view.flags()
        assert flags & Qt.WindowType.FramelessWindowHint
        assert flags & Qt.WindowType.WindowStaysOnTopHint
    finally:
        window.close()


def test_a_site_theme_is_used_when_it_loads(make_screen, tmp_path):
    (tmp_path / "Main.qml").write_text(
        "import QtQuick\n"
        "Rectangle { required property var greeter; objectName: 'siteTheme'\n"
        "  Text { objectName: 'siteText'; text: greeter.kioskName } }\n"
    )
    _, screen = make_screen(IDLE, theme_dir=tmp_path)
    assert not screen.window.used_fallback
    assert screen.text("siteText") == "ward7-bay3"


# QML reports the broken theme as a warning; that warning is this test's premise
@pytest.mark.qt_log_level_fail("CRITICAL")
@pytest.mark.parametrize(
    "broken",
    [
        "import QtQuick\nRectangle { this is not qml",
        "import QtQuick\nimport NoSuchModule 1.0\nRectangle { required property var greeter }",
        None,  # no Main.qml at all
    ],
)
def test_a_broken_theme_falls_back_to_the_built_in_screen(make_screen, tmp_path, broken):
    if broken is not None:
        (tmp_path / "Main.qml").write_text(broken)
    _, screen = make_screen(IDLE, theme_dir=tmp_path)
    assert screen.window.used_fallback
    assert screen.window.load_problem.startswith("unable to load the theme: ")
    assert screen.text("fallbackHeadline") == "Tap your card"


def test_the_fallback_still_signs_people_in(make_screen, tmp_path, recorder):
    bridge, screen = make_screen(IDLE, theme_dir=tmp_path)
    bridge.show(replace(IDLE, screen="pin", error_key="bad_pin", attempts_left=2))
    screen.settle()
    assert screen.text("fallbackHeadline") == "Enter your PIN"
    assert "bad pin (2 left)" in screen.text("fallbackDetail")
    screen.type_keys("1234")
    screen.press(Qt.Key.Key_Return)
    assert recorder.events == [PinEntered("1234")]
    bridge.show(replace(IDLE, screen="password"))
    screen.settle()
    screen.type_keys("bob")
    screen.press(Qt.Key.Key_Tab)
    screen.type_keys("pw")
    screen.tap("fallbackOk")
    assert recorder.events[1:] == [PasswordSubmitted("bob", "pw", "DEMO")]
