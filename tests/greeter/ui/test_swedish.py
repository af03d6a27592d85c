"""Every screen in Swedish, and not one English sentence on any of them: every string a user can
see comes from the translation catalogue. The views come from the flow itself, fed the
appliance's real replies (its English `message`s included), so text that slips past the
catalogue (a developer's error, the appliance's own words) shows up here.

How: each view is drawn in English and in Swedish; every sentence seen in English must be
gone from the Swedish picture, but for what is data (names, the kiosk, the site's help line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtQuick import QQuickItem

from greeter.cards import ReaderStatus
from greeter.flow import samples
from greeter.flow.inputs import SessionStarted, SessionStartFailed
from greeter.flow.model import (
    ERROR_KEYS,
    CardEnrollmentSubmitted,
    LockRequested,
    NewPinSubmitted,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
    View,
)
from greeter.flow.samples import FlowDriver
from greeter.flow.state import FlowSettings, initial_state
from greeter.ui.i18n import Translations
from tests.greeter.ui.conftest import all_items

pytestmark = pytest.mark.ui

HELP = "Ring IT-support på 4444"  # the site's own words, in its own language
# what a screen shows that is nobody's to translate
DATA = (
    HELP,
    "ward7-bay3",
    "DEMO",
    "NHS",
    "Alice Example",
    "Bob Example",
    "Carol Example",
    "Clinical Practitioner",
    "Admin",
)
# the same in both languages
SAME = {"abc"}
WORD = re.compile(r"[A-Za-zÅÄÖåäö]{3,}")


def flow() -> FlowDriver:
    return FlowDriver(initial_state(FlowSettings(kiosk_name="ward7-bay3", help_line=HELP)))


def tapped(reply: object, card: str = samples.ALICE_CARD) -> FlowDriver:
    driver = flow()
    driver.send(samples.tap(card))
    driver.reply(reply)  # type: ignore[arg-type]
    return driver


def enrolling() -> FlowDriver:
    return tapped(samples.enroll("carol"))


def walk() -> Iterator[tuple[str, View]]:
    """(what, view) for every screen and every thing each screen can say."""
    idle = flow()
    yield "idle", idle.view
    for service in ("missing", "down"):
        broken = flow()
        broken.send(ReaderStatus("pcsc", service, (), "unable to reach pcscd: start it"))
        yield f"idle, reader {service}", broken.view
    pin = tapped(samples.need_pin())
    yield "pin", pin.view
    pin.send(PinEntered("0000"))
    pin.reply(samples.bad_pin(left=2))
    yield "pin, wrong", pin.view
    yield "pin, wrong, last try", replace(pin.view, attempts_left=1)
    yield "pin, offline", replace(pin.view, offline=True, error_key="", attempts_left=3)
    yield "pin, busy", replace(pin.view, busy=True)
    password = flow()
    password.send(PasswordLoginRequested())
    yield "password", password.view
    password.send(PasswordSubmitted("bob", "x", ""))
    password.reply(samples.bad_password(left=-1))
    yield "password, wrong", password.view
    card_password = tapped(samples.need_password("carol"))
    yield "password, known card", card_password.view
    card_password.send(PasswordSubmitted("", "x", ""))
    card_password.reply(samples.bad_password(left=3, state="t2"))
    yield "password, known card, wrong", card_password.view
    enrol_card = tapped(samples.unknown_card(), samples.NEW_CARD)
    yield "enroll card", enrol_card.view
    enrol_card.send(CardEnrollmentSubmitted("bob", "x", ""))
    enrol_card.reply(samples.bad_password(left=2, state="t2"))
    yield "enroll card, wrong", enrol_card.view
    new_pin = enrolling()
    yield "enroll pin", new_pin.view
    new_pin.send(NewPinSubmitted("5791", "5792"))
    yield "enroll pin, mismatch", new_pin.view
    for rule in ("too_short", "too_long", "digits_only", "repeated", "sequential", "common"):
        refused = enrolling()
        refused.send(NewPinSubmitted("1111", "1111"))
        refused.reply(samples.pin_rules_refused(rule=rule))
        yield f"enroll pin, {rule}", refused.view
    yield "enroll pin, letters allowed", replace(refused.view, pin_digits_only=False)
    roles = (samples.CLINICAL, samples.ADMIN)
    yield "role", tapped(samples.ok(roles=roles, role=None)).view
    notices = (samples.VSC_EXPIRING, samples.VSC_EXPIRED)
    yield "notice", tapped(samples.ok(notices=notices)).view
    for reason in ("card_revoked", "card_pending", "card_taken", "user_disabled",
                   "factor_not_allowed", "enrollment_not_allowed"):  # fmt: skip
        yield f"denied, {reason}", tapped(samples.denied(reason)).view
    yield "locked out", tapped(samples.locked("2026-11-23T19:30:00Z")).view
    for code in ("rate_limited", "kiosk_unauthorized", "invalid_request"):
        rejected = flow()
        rejected.send(samples.tap(samples.ALICE_CARD))
        rejected.fail("rejected", code, "The appliance says no, in English.")
        yield f"rejected, {code}", rejected.view
    failed = tapped(samples.ok())
    failed.send(SessionStartFailed(samples.session(), "unable to start session: no X"))
    yield "session failed", failed.view
    for key in ERROR_KEYS:
        if key:
            yield f"error {key}", replace(idle.view, screen="error", error_key=key)
    desktop = tapped(samples.ok())
    desktop.send(SessionStarted(samples.session()))
    desktop.send(LockRequested())
    yield "locked", desktop.view
    desktop.send(samples.tap(samples.BOB_CARD))
    desktop.reply(samples.need_pin("bob"))
    yield "pin, switching user", desktop.view


def texts(root: QQuickItem) -> list[str]:
    """Every text drawn on the window now (what the user typed is not drawn by a Text)."""
    return [
        str(item.property("text"))
        for item in all_items(root)
        if item.metaObject().className() == "QQuickText" and item.isVisible()
    ]


def sentences(text: str) -> list[str]:
    """The parts of `text` a translator would have to translate: its sentences and clauses,
    minus names and other data."""
    for data in DATA:
        text = text.replace(data, " ")
    parts = re.split(r"(?<=[.:!?…])\s+|\n", text)
    return [part.strip() for part in parts if WORD.search(part) and part.strip() not in SAME]


def draw(make_screen, qapp, locale: str) -> Callable[[View], list[str]]:
    translations = Translations(qapp, QLocale(locale))
    bridge, screen = make_screen(View(), ui_language=translations.ui_language)

    def shown(view: View) -> list[str]:
        bridge.show(view)
        screen.settle()
        return texts(screen.window.root())

    shown.translations = translations  # type: ignore[attr-defined]
    return shown


def test_every_screen_in_swedish_has_no_english_left(make_screen, qapp):
    views = list(walk())
    assert {view.screen for _, view in views} >= {
        "idle", "pin", "password", "enroll_card", "enroll_pin", "role", "notice", "error",
        "locked",
    }  # fmt: skip
    english = draw(make_screen, qapp, "en_GB")
    seen_in_english = [english(view) for _, view in views]
    english.translations.remove()  # type: ignore[attr-defined]
    swedish = draw(make_screen, qapp, "sv_SE")
    try:
        untranslated: dict[str, list[str]] = {}
        for (what, view), english_texts in zip(views, seen_in_english, strict=True):
            swedish_texts = " | ".join(swedish(view))
            left = [
                sentence
                for text in english_texts
                for sentence in sentences(text)
                if sentence in swedish_texts
            ]
            if left:
                untranslated[what] = left
    finally:
        swedish.translations.remove()  # type: ignore[attr-defined]
    assert untranslated == {}
