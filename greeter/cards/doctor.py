"""`greeter doctor` for card readers: what the kiosk can see, and for each problem the fix.

Card ids never appear raw: each is shown as a short keyed hash, with a key made fresh for each
run, so two readers showing the same card show the same hash in one report and nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from greeter.cards import ReaderStatus
from greeter.cards.nfc import FIX_PN533, _default_opener, _pn533_bound, open_fault
from greeter.cards.readiness import Readiness, assess, configured
from greeter.cards.settings import CardSettings

Verdict = Literal["ok", "warn", "fail"]
# (vendor id, product id, bus, device) of each USB device
UsbFinder = Callable[[], list[tuple[int, int, int, int]]]

FIX_PCSCD_MISSING = "install the PC/SC daemon: sudo apt install pcscd"
FIX_PCSCD_DOWN = "start it: sudo systemctl enable --now pcscd.socket (then replug the reader)"
FIX_NO_READER = (
    "plug in the card reader; if it is plugged in, check `lsusb` and that its driver is "
    "installed (libccid for most USB readers)"
)


@dataclass(frozen=True)
class Check:
    """One line of the report: what was looked at, what was found, and the fix if any."""

    subject: str
    verdict: Verdict
    detail: str
    fix: str = ""


@dataclass
class DoctorReport:
    """The checks in the order made, and one `ReaderStatus` per source for the verdict."""

    checks: list[Check] = field(default_factory=list)
    statuses: list[ReaderStatus] = field(default_factory=list)

    @property
    def readiness(self) -> Readiness:
        """The verdict the running greeter's idle screen gives for the same facts."""
        return assess(self.statuses)

    @property
    def ok(self) -> bool:
        """False when the kiosk cannot read cards at all."""
        return self.readiness.ok

    def render(self) -> str:
        lines = ["Card readers", *render_checks(self.checks)]
        readiness = self.readiness
        lines.append(
            "Result: the kiosk can read cards"
            if readiness.ok
            else f"Result: the kiosk cannot read cards: {readiness.message}"
        )
        return "\n".join(lines) + "\n"


def render_checks(checks: list[Check]) -> list[str]:
    """Each check as `  [ok  ] subject: detail`, its fix on the line below."""
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    lines = []
    for check in checks:
        lines.append(f"  [{marks[check.verdict]}] {check.subject}: {check.detail}")
        if check.fix:
            lines.append(f"         fix: {check.fix}")
    return lines


def _id_hasher() -> Callable[[str], str]:
    key = secrets.token_bytes(16)
    return lambda card_id: "#" + hashlib.blake2s(card_id.encode(), key=key).hexdigest()[:8]


def _pcsc(settings: CardSettings, report: DoctorReport, hash_id: Callable[[str], str]) -> None:
    from smartcard import scard

    from greeter.cards.pcsc import MISSING_MESSAGE, NO_READER_MESSAGE

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        # what the PC/SC source of a greeter started now would report
        report.statuses.append(ReaderStatus("pcsc", "missing", (), MISSING_MESSAGE))
        installed = bool(shutil.which("pcscd") or Path("/usr/sbin/pcscd").exists())
        report.checks.append(
            Check(
                "pcscd",
                "fail",
                "not running (unable to reach the PC/SC service)" if installed else "not installed",
                FIX_PCSCD_DOWN if installed else FIX_PCSCD_MISSING,
            )
        )
        return
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        readers = list(readers) if hresult == scard.SCARD_S_SUCCESS else []
        report.checks.append(Check("pcscd", "ok", f"running, {len(readers)} reader(s)"))
        message = "" if readers else NO_READER_MESSAGE
        report.statuses.append(ReaderStatus("pcsc", "ok", tuple(readers), message))
        if not readers:
            report.checks.append(Check("PC/SC readers", "fail", "none attached", FIX_NO_READER))
            return
        request = [(name, scard.SCARD_STATE_UNAWARE) for name in readers]
        hresult, states = scard.SCardGetStatusChange(context, 0, request)
        for name, event, atr in states if hresult == scard.SCARD_S_SUCCESS else []:
            report.checks.append(_reader_check(context, name, event, bytes(atr), settings, hash_id))
    finally:
        scard.SCardReleaseContext(context)


def _reader_check(
    context: Any,
    name: str,
    event: int,
    atr: bytes,
    settings: CardSettings,
    hash_id: Callable[[str], str],
) -> Check:
    from smartcard import scard

    from greeter.cards.pcsc_card import read_card

    subject = f'reader "{name}"'
    if not event & scard.SCARD_STATE_PRESENT:
        return Check(subject, "ok", "no card")
    if event & scard.SCARD_STATE_MUTE:
        return Check(subject, "warn", "a card that does not answer", "reinsert it or try another")
    read = read_card(context, name, atr, settings)
    if read.spine:
        return Check(subject, "ok", "a Spine smartcard (for Spine, never a login tap)")
    if read.card_id is not None:
        return Check(subject, "ok", f"{read.kind} card {hash_id(read.card_id)}")
    return Check(
        subject,
        "warn",
        f"{read.kind} card without a usable identifier (ATR {atr.hex(' ').upper()})",
        "add a [[cards.atr_profile]] for this ATR, or set kind for this reader in [[cards.reader]]",
    )


def _nfc(path: str, report: DoctorReport, opener: Callable[[str], Any]) -> None:
    try:
        clf = opener(path)
    except Exception as error:  # nfcpy raises IOError and usb1 errors alike
        fault = open_fault(path, error)
        report.checks.append(Check(f"NFC reader {path}", "fail", fault.problem, fault.fix))
        # the status the greeter's NFC source reports for the same fault
        report.statuses.append(ReaderStatus("nfc", fault.service, (), fault.message(path)))
        return
    try:
        report.statuses.append(ReaderStatus("nfc", "ok", (str(clf),)))
        report.checks.append(Check(f"NFC reader {path}", "ok", str(clf)))
    finally:
        clf.close()


def _find_usb_devices() -> list[tuple[int, int, int, int]]:
    """(vendor, product, bus, device) of every USB device, through nfcpy's libusb transport."""
    from nfc.clf import transport

    return list(transport.USB.find("usb") or [])


def _nfc_hardware(
    settings: CardSettings,
    report: DoctorReport,
    find: Callable[[], list[tuple[int, int, int, int]]],
) -> None:
    """NFC readers nfcpy knows on USB, whether configured or not, and the pn533 trap."""
    from nfc.clf.device import usb_device_map

    if _pn533_bound():
        report.checks.append(
            Check(
                "kernel NFC driver",
                "warn",
                "pn533_usb holds an NFC reader: neither nfcpy nor pcscd can use it",
                FIX_PN533,
            )
        )
    try:
        devices = find()
    except Exception as error:  # no libusb, no USB bus: nothing to list, not a failure
        report.checks.append(Check("NFC readers on USB", "ok", f"not listed ({error})"))
        return
    known = [(v, p, b, d) for v, p, b, d in devices if (v, p) in usb_device_map]
    if not known:
        report.checks.append(Check("NFC readers on USB", "ok", "none that nfcpy drives"))
    for vid, pid, bus, dev in known:
        path = f"usb:{vid:04x}:{pid:04x}"
        configured = any(p in (path, "usb", f"usb:{bus:03}:{dev:03}") for p in settings.nfc)
        report.checks.append(
            Check(
                f"NFC reader {path} ({usb_device_map[(vid, pid)]}) on bus {bus:03} device {dev:03}",
                "ok" if configured else "warn",
                "configured" if configured else "attached but not in [cards] nfc",
                "" if configured else f'add "{path}" to [cards] nfc, or read it through PC/SC',
            )
        )


def _virtual(socket_path: str, report: DoctorReport) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(socket_path)
        except OSError:
            report.checks.append(
                Check("virtual taps", "ok", f"nobody listening at {socket_path} (greeter stopped)")
            )
            return
    report.checks.append(Check("virtual taps", "ok", f"a greeter listens at {socket_path}"))


def diagnose(
    settings: CardSettings,
    *,
    nfc_opener: Callable[[str], Any] = _default_opener,
    find_usb: UsbFinder = _find_usb_devices,
) -> DoctorReport:
    """Look at every card source and reader; never raises for what the hardware does."""
    # a source the config turns off is a fact of its own: with no reader left the verdict says
    # none is configured
    report = DoctorReport(
        statuses=[s for s in configured(settings, virtual=False) if s.service == "off"]
    )
    hash_id = _id_hasher()
    if settings.pcsc:
        _pcsc(settings, report, hash_id)
    else:
        report.checks.append(Check("PC/SC", "ok", "off in the config ([cards] pcsc = false)"))
    _nfc_hardware(settings, report, find_usb)
    for path in settings.nfc:
        _nfc(path, report, nfc_opener)
    if settings.virtual_socket:
        _virtual(settings.virtual_socket, report)
    if not settings.pcsc and not settings.nfc:
        report.checks.append(
            Check("card sources", "fail", "none configured", "set [cards] pcsc = true or nfc")
        )
    return report
