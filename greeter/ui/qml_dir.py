"""Where the greeter's screens are: the one place that decides it.

The screens live in the repository's top-level `qml/` (beside `greeter/`). A wheel (and so the
kiosk package) carries them as `greeter/ui/qml/`: setup.py maps the `greeter.ui.qml` data
package onto `qml/`. A checkout or an editable install has no such directory next to this
module, so the checkout's `qml/` two levels up is used.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
MAIN_QML = "Main.qml"


def _find() -> Path:
    installed = _HERE / "qml"
    # Main.qml, not just the folder: a checkout may keep a stale, untracked greeter/ui/qml/
    if (installed / MAIN_QML).is_file():
        return installed
    return _HERE.parents[1] / "qml"


QML_DIR = _find()
I18N_DIR = QML_DIR / "i18n"
