"""Can this kiosk read cards? The one answer, for the idle screen and for `greeter doctor`.

Both hand `assess` the same kind of facts, one `ReaderStatus` per card source: the running
greeter the statuses its sources report (starting from `configured`, before any has looked),
the doctor what its probes found. So the screen's "Card reader ready" and the doctor's result
cannot disagree about the same kiosk.

Virtual taps (the demo's F1-F4, `greeter tap`) are not a card reader: a kiosk that has only
them cannot read anyone's badge, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from greeter.cards import CardSourceName, ReaderStatus
from greeter.cards.settings import CardSettings

NO_SOURCE = "no card reader is configured: set [cards] pcsc = true or list an NFC reader in nfc"
VIRTUAL_ONLY = (
    "no card reader is watched: only virtual taps reach this kiosk (`greeter tap`, the "
    "demo's F1-F4); plug in a reader, or turn PC/SC or NFC on in [cards]"
)
NO_READER = "no card reader is working: run `greeter doctor` for the reason and its fix"
# the order problems are told in, whatever order the sources reported them
_ORDER: dict[CardSourceName, int] = {"pcsc": 0, "nfc": 1, "virtual": 2}


@dataclass(frozen=True)
class Readiness:
    """`ok`: some reader can read a card (or the readers are still being looked at).
    `message`: the first problem a reader has, with its fix; it may be set while `ok` (an NFC
    reader missing while PC/SC reads cards)."""

    ok: bool
    message: str = ""

    @property
    def problem(self) -> Literal["", "missing", "down"]:
        """What the idle screen words (in the kiosk's language): "" while a card can be read,
        "down" when a reader service is down, else "missing"."""
        if self.ok:
            return ""
        return "down" if self.service_down else "missing"

    service_down: bool = False


def configured(settings: CardSettings, *, virtual: bool) -> tuple[ReaderStatus, ...]:
    """What the config asks for, before anything was looked at: each source `starting`, or
    `off` when the config turns it off. `virtual`: virtual taps are listened for."""
    statuses = [
        ReaderStatus("pcsc", "starting" if settings.pcsc else "off", ()),
        ReaderStatus("nfc", "starting" if settings.nfc else "off", ()),
    ]
    if virtual:
        statuses.append(ReaderStatus("virtual", "starting", ()))
    return tuple(statuses)


def assess(statuses: Iterable[ReaderStatus]) -> Readiness:
    """The verdict on a kiosk whose card sources are in `statuses` (no statuses at all: nothing
    is known yet, so nothing is wrong yet)."""
    known = sorted(statuses, key=lambda status: _ORDER[status.source])
    readers = [s for s in known if s.source != "virtual" and s.service != "off"]
    problems = [s.message for s in readers if s.message]
    first_problem = problems[0] if problems else ""
    if any(s.service == "ok" and s.readers for s in readers):
        return Readiness(True, first_problem)
    if any(s.service == "starting" for s in readers):
        return Readiness(True, first_problem)
    if readers:
        down = any(s.service == "down" for s in readers)
        return Readiness(False, first_problem or NO_READER, service_down=down)
    if any(s.source == "virtual" for s in known):
        return Readiness(False, VIRTUAL_ONLY)
    if known:
        return Readiness(False, NO_SOURCE)
    return Readiness(True)
