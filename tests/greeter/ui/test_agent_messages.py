"""Every sentence the agent can show is worded by its QML (qml/agent/AgentMessages.qml), each
its own, in English and in Swedish."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QUrl
from PySide6.QtQml import QQmlComponent, QQmlEngine

from greeter.agent.step import MESSAGES
from greeter.ui.i18n import Translations
from greeter.ui.qml_dir import QML_DIR

PROBE = b"""
import QtQuick
Item {
    required property var keys
    readonly property var texts: keys.map(key => messages.text(key, 2, null))
    readonly property string fallback: messages.text("no_such_key", 2, null)
    AgentMessages { id: messages }
}
"""


def worded(qapp) -> tuple[list[str], str]:
    engine = QQmlEngine()
    component = QQmlComponent(engine)
    # beside AgentMessages.qml, so the probe finds it as a type of its own folder
    component.setData(PROBE, QUrl.fromLocalFile(str(QML_DIR / "agent" / "Probe.qml")))
    probe = component.createWithInitialProperties({"keys": list(MESSAGES)})
    assert probe is not None, [error.toString() for error in component.errors()]
    texts = [str(text) for text in probe.property("texts").toVariant()]
    fallback = str(probe.property("fallback"))
    probe.deleteLater()
    return texts, fallback


def test_every_message_key_has_a_sentence_of_its_own(qapp, qt_style) -> None:
    texts, fallback = worded(qapp)
    assert all(texts)
    # "refused" is the sentence for a code the kiosk does not know; no known key falls to it
    by_key = dict(zip(MESSAGES, texts, strict=True))
    assert by_key.pop("refused") == fallback
    assert fallback not in by_key.values()
    assert len(set(by_key.values())) == len(by_key)


def test_every_message_is_in_swedish(qapp, qt_style) -> None:
    english, _ = worded(qapp)
    swedish_catalogue = Translations(qapp, QLocale("sv_SE"))
    try:
        swedish, _ = worded(qapp)
    finally:
        swedish_catalogue.remove()
    untranslated = [key for key, en, sv in zip(MESSAGES, english, swedish, strict=True) if en == sv]
    assert untranslated == []
