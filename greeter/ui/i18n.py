"""Which language the greeter speaks: the config's locale, else the system's.

The QML is written in English. English plural forms ("1 attempt", "2 attempts") come from
`tapkiosk_en.qm`, installed first as the base; a locale with its own file (Swedish:
`tapkiosk_sv.qm`) is installed over it. A locale without a file speaks English.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from greeter.ui.qml_dir import I18N_DIR

log = logging.getLogger(__name__)

CATALOGUE = "tapkiosk"


def choose_locale(configured: str | None) -> QLocale:
    """The config's locale (e.g. "sv_SE", "sv") if given, else the system's."""
    if configured:
        return QLocale(configured)
    return QLocale.system()


class Translations:
    """The catalogues installed for one locale; `remove` takes them out again."""

    def __init__(self, app: QCoreApplication, locale: QLocale) -> None:
        self._app = app
        self.locale = locale
        self.language = "en"
        self._installed: list[QTranslator] = []
        base = QTranslator(app)
        if base.load(str(I18N_DIR / f"{CATALOGUE}_en.qm")):
            self._install(base)
        else:
            log.warning("unable to load English plural forms from %s", I18N_DIR)
        local = QTranslator(app)
        if local.load(locale, CATALOGUE, "_", str(I18N_DIR)) and not local.language().startswith(
            "en"
        ):
            self._install(local)
            self.language = local.language().split("_")[0]
        # dates and times in QML (Qt.locale()) follow the same locale, until `remove`
        self._previous_default = QLocale()
        QLocale.setDefault(locale)

    @property
    def ui_language(self) -> str:
        """The locale name for QML's Qt.uiLanguage."""
        return self.locale.name()

    def remove(self) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        QLocale.setDefault(self._previous_default)

    def _install(self, translator: QTranslator) -> None:
        self._app.installTranslator(translator)
        self._installed.append(translator)
