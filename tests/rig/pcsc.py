"""An isolated pcscd with vpcd virtual readers, per test, that never collides with another run.

Why it is built this way (pcsc-lite 1.9.9 as shipped by Debian, verified here):

- libpcsclite (the client, what pyscard loads) honours `PCSCLITE_CSOCK_NAME`; **pcscd does not**:
  it always creates `/run/pcscd/pcscd.comm` and `/run/pcscd/pcscd.pid`. So pcscd runs in its own
  mount namespace (`unshare --mount`) with a private directory bind-mounted on `/run/pcscd`; from
  outside, its socket is `<socket_dir>/pcscd.comm`. (Not root: `unshare --user --map-root-user`.)
- Its readers come from its own reader.conf.d (`pcscd -f -c DIR`), vpcd entries on free ports.
  One vpcd entry is a reader with two slots, "<FRIENDLYNAME> NN 00" on PORT and "... NN 01" on
  PORT+1; each slot is a `VpcdReader` here. vpcd keeps its slots in static variables, so two
  entries on the same driver file clobber each other: each further reader gets its own copy of
  libifdvpcd.so (dlopen loads a copy at another path separately).
- Hot-plug of vpcd readers is impossible with this pcscd: SIGUSR1 (`pcscd --hotplug`) rescans
  USB only (built with libudev), serial readers from reader.conf.d are read once at start-up.
  `add_reader()`/`remove_reader()` therefore rewrite reader.conf.d and restart pcscd; a client
  sees the service go away and come back with a different reader list.
- libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process, on first use, and caches it. So the
  socket path is fixed for the whole test process and set when this module is imported (a
  conftest importing the fixtures does that at collection, before any test runs); every test's
  pcscd is started on that same path.

How another test uses it (in its conftest.py: `from tests.rig.pcsc import pcscd,
pcscd_socket_dir  # noqa: F401`):

    @pytest.mark.pcsc
    def test_tap(pcscd):
        reader = pcscd.readers[0]                      # VpcdReader(name, port)
        card = pcscd.card(reader, uid=bytes.fromhex("04A1B2C3D4E5F6"))
        card.insert()                                  # removed again at teardown
        ...pyscard in this process already talks to this pcscd (env set by the fixture)...

A child process (the greeter under test, a bench) needs `env={**os.environ, **pcscd.env}`
(os.environ already carries it). If libpcsclite was used before this module was imported, the
fixture fails with that explanation.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.rig.vpcd import VirtualCard

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
SOCKET_ENV = "PCSCLITE_CSOCK_NAME"
_PR_SET_PDEATHSIG = 1
CardT = TypeVar("CardT", bound=VirtualCard)


@dataclass(frozen=True)
class VpcdReader:
    """One vpcd slot as pcscd names it, and the TCP port a VirtualCard connects to."""

    name: str
    port: int
    label: str


class PcscdError(RuntimeError):
    pass


class _PortTaken(PcscdError):
    pass


def have_pcscd() -> bool:
    return bool(shutil.which("pcscd")) and VPCD_DRIVER.exists() and bool(shutil.which("unshare"))


def _free_port_pair() -> int:
    """A port P with P and P+1 both free on all interfaces (vpcd binds INADDR_ANY)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("0.0.0.0", 0))  # noqa: S104 - vpcd itself binds every interface
            port = probe.getsockname()[1]
            if port >= 65535:
                continue
            try:
                with socket.socket() as second:
                    second.bind(("0.0.0.0", port + 1))  # noqa: S104
            except OSError:
                continue
            return port
    raise PcscdError("unable to find two free consecutive TCP ports for vpcd")


def _die_with_parent() -> None:
    # a killed test run must not leave its pcscd behind
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _list_readers() -> list[str] | None:
    """Reader names from the pcscd at PCSCLITE_CSOCK_NAME, or None if it does not answer."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        return list(readers) if hresult == scard.SCARD_S_SUCCESS else None
    finally:
        scard.SCardReleaseContext(context)


class IsolatedPcscd:
    """A pcscd of our own: socket in `socket_dir`, readers in `conf_dir`, vpcd on free ports."""

    def __init__(self, socket_dir: Path, conf_dir: Path, *, debug_log: Path | None = None):
        self.socket_dir = socket_dir
        self.conf_dir = conf_dir
        self.debug_log = debug_log
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        self._labels: dict[str, int] = {}  # label -> base port
        self._process: subprocess.Popen[bytes] | None = None
        self._cards: list[VirtualCard] = []
        self._lock = threading.Lock()
        self._none_plugged = False  # unplug_all(): start with no reader at all
        self.readers: list[VpcdReader] = []

    @property
    def socket_path(self) -> Path:
        return self.socket_dir / "pcscd.comm"

    @property
    def env(self) -> dict[str, str]:
        """What a child process needs in its environment to talk to this pcscd."""
        return {SOCKET_ENV: str(self.socket_path)}

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    # -- readers ------------------------------------------------------------------------------

    def _write_reader(self, label: str) -> None:
        port = _free_port_pair()
        self._labels[label] = port
        # vpcd keeps its slots in static variables: two readers on one copy of the driver
        # share them, so each further reader loads its own copy of the library
        driver = VPCD_DRIVER
        if self._labels.keys() - {label}:
            driver = self.conf_dir.parent / f"libifdvpcd-{label}.so"
            shutil.copyfile(VPCD_DRIVER, driver)
        (self.conf_dir / f"vpcd-{label}").write_text(
            f'FRIENDLYNAME "Tapkiosk vpcd {label}"\n'
            f"DEVICENAME   /dev/null:0x{port:04X}\n"
            f"LIBPATH      {driver}\n"
            f"CHANNELID    0x{port:04X}\n"
        )

    def add_reader(self, label: str) -> list[VpcdReader]:
        """Plug in a reader (two slots) and return its slots; restarts pcscd (see module doc)."""
        self._write_reader(label)
        if self.running:
            self.restart()
        return [r for r in self.readers if r.label == label]

    def remove_reader(self, label: str) -> None:
        """Unplug a reader; restarts pcscd (see module doc)."""
        self._labels.pop(label, None)
        (self.conf_dir / f"vpcd-{label}").unlink(missing_ok=True)
        for card in list(self._cards):
            if any(r.port == card.port and r.label == label for r in self.readers):
                card.remove()
        if self.running:
            self.restart()

    def unplug_all(self) -> None:
        """Every reader unplugged: pcscd runs with none (restarts, see module doc)."""
        self._none_plugged = True
        for label in list(self._labels):
            self._labels.pop(label)
            (self.conf_dir / f"vpcd-{label}").unlink(missing_ok=True)
        for card in list(self._cards):
            card.remove()
        if self.running:
            self.restart()

    # -- life cycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        if self.running:
            return
        if not self._labels and not self._none_plugged:
            self._write_reader("A")
        for _attempt in range(3):
            self._launch()
            try:
                self._wait_ready(timeout)
                return
            except _PortTaken:
                # another run took a port between our probe and vpcd's bind: new ports
                self.stop()
                for label in list(self._labels):
                    self._write_reader(label)
        raise PcscdError("unable to start pcscd: vpcd could not bind its ports three times")

    def _launch(self) -> None:
        self.socket_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in ("pcscd.comm", "pcscd.pid"):
            (self.socket_dir / stale).unlink(missing_ok=True)
        unshare = ["unshare", "--mount", "--propagation", "private"]
        if os.geteuid() != 0:
            unshare[1:1] = ["--user", "--map-root-user"]
        flags = "-f -d" if self.debug_log else "-f"
        script = (
            f'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec pcscd {flags} -c "$1"'
        )
        log: Any = open(self.debug_log, "ab") if self.debug_log else subprocess.DEVNULL  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                [*unshare, "sh", "-c", script, str(self.socket_dir), str(self.conf_dir)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                preexec_fn=_die_with_parent,  # a prctl only: safe between fork and exec
            )
        finally:
            if self.debug_log:
                log.close()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        expected = {f"Tapkiosk vpcd {label} " for label in self._labels}
        names: list[str] | None = None
        answered_at: float | None = None
        pause = threading.Event()
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise PcscdError(
                    f"unable to start pcscd: it exited with {self._process.returncode}"
                )
            if self.socket_path.exists():
                names = _list_readers()
                if names is not None and all(
                    sum(n.startswith(prefix) for n in names) == 2 for prefix in expected
                ):
                    self.readers = self._slots(names)
                    return
                if names is not None:
                    # pcscd adds serial readers before it listens: one still missing after a
                    # moment failed to start, and a taken port is the usual reason
                    answered_at = answered_at or time.monotonic()
                    if time.monotonic() - answered_at > 1.0:
                        raise _PortTaken(names)
            pause.wait(0.02)
        self.stop()
        if names is None and self.socket_path.exists():
            raise PcscdError(
                f"unable to reach the isolated pcscd at {self.socket_path}: libpcsclite in this "
                f"process was used before {SOCKET_ENV} was set (it caches the socket path); "
                "request the pcscd fixture before anything touches pyscard"
            )
        raise PcscdError(f"unable to start pcscd with vpcd readers: got {names!r} in {timeout}s")

    def _slots(self, names: list[str]) -> list[VpcdReader]:
        slots = []
        for label, port in sorted(self._labels.items()):
            prefix = f"Tapkiosk vpcd {label} "
            mine = sorted(n for n in names if n.startswith(prefix))
            slots += [VpcdReader(name, port + i, label) for i, name in enumerate(mine)]
        return slots

    def stop(self) -> None:
        """Stop pcscd; inserted cards drop out (vpcd closes their connections)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def restart(self, timeout: float = 10.0) -> None:
        """Stop and start again; inserted cards are re-inserted once the readers are back."""
        inserted = [card for card in self._cards if card.inserted]
        for card in inserted:
            card.remove()
        self.stop()
        self.start(timeout)
        ports = {r.label: self._labels[r.label] for r in self.readers}
        for card in inserted:
            if any(card.port in (p, p + 1) for p in ports.values()):
                card.insert()

    # -- cards --------------------------------------------------------------------------------

    def card(self, reader: VpcdReader, **kwargs: Any) -> VirtualCard:
        """A VirtualCard for `reader` (not inserted yet), removed at teardown."""
        return self.attach(VirtualCard(reader.port, **kwargs))

    def attach(self, card: CardT) -> CardT:
        """A card made elsewhere (a VirtualCard subclass such as `tests.rig.spine_card`),
        taken out at teardown and put back after a restart like the others."""
        self._cards.append(card)
        return card

    def close(self) -> None:
        for card in self._cards:
            card.remove()
        self.stop()


def _claim_socket_dir() -> Path:
    """This process's pcscd socket directory, put in PCSCLITE_CSOCK_NAME right away."""
    preset = os.environ.get(SOCKET_ENV)
    if preset:
        return Path(preset).parent
    directory = Path(tempfile.mkdtemp(prefix="tk-pcscd-"))
    os.environ[SOCKET_ENV] = str(directory / "pcscd.comm")
    atexit.register(shutil.rmtree, directory, True)
    return directory


# At import, i.e. when a conftest collects this module: before any test in this process can
# touch libpcsclite, which caches the socket path on first use. It also keeps every test
# away from a system pcscd, fixture or not.
SOCKET_DIR = _claim_socket_dir()


@pytest.fixture(scope="session")
def pcscd_socket_dir() -> Path:
    """This process's pcscd socket directory (PCSCLITE_CSOCK_NAME points into it)."""
    if not have_pcscd():
        pytest.skip("pcscd, vsmartcard-vpcd or unshare is not installed")
    return SOCKET_DIR


@pytest.fixture
def pcscd(pcscd_socket_dir: Path, tmp_path: Path) -> Iterator[IsolatedPcscd]:
    """A running pcscd with one vpcd reader (two slots: `readers[0]`, `readers[1]`)."""
    daemon = IsolatedPcscd(pcscd_socket_dir, tmp_path / "reader.conf.d")
    daemon.start()
    try:
        yield daemon
    finally:
        daemon.close()
