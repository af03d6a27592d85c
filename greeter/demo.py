"""`greeter demo`: a local appliance with the demo users, a SIMULATED Spine Security Broker
(`appliance.ssb_sim`, which the appliance trusts and asks for tickets), and the greeter in a
window.

Everything demo-only is decided here, at start-up, and written into the demo's own config: its
virtual tap socket (one per demo, so two demos on one machine never take each other's taps),
whether the machine's real readers are watched (`--no-readers`: not, so two demos never both
read the same card), and the stand-in desktop as the session (`greeter.ui.stand_in`: who is
signed in, Lock, Log out and F1-F4 taps, so every flow can be tried from the windows).
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path
from typing import TextIO

from greeter.cards.virtual import default_socket_path

DEMO_HELP = """\
greeter: demo appliance at {url}
  its Spine broker is SIMULATED (not NHS Spine): {ssb}, environment "development"
  F1-F4 in the window tap the demo cards; or from a shell:
    greeter tap --socket {socket} 04A1B2C3D4E5F6
  alice  card 04A1B2C3D4E5F6, PIN 1234 (two roles: the role screen)
  carol  card 04C0FFEE000001, password carol-demo-pass, then a new PIN (VSC notice)
  ravi   card 04AA0000000002, PIN 2468 (Registration Authority)
  bob    no card: sign in with password bob-demo-pass, or enrol an unknown card as bob
  {readers}"""


class DemoBusy(RuntimeError):
    """Another demo runs with the same state directory."""


def default_demo_dir() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "tapkiosk-demo"


def demo_socket_path() -> Path:
    """This demo's own virtual tap socket, next to where `greeter tap` looks by default."""
    return default_socket_path().parent / f"demo-{os.getpid()}.sock"


def hold_state_dir(state_dir: Path) -> int:
    """Lock `state_dir` for this demo (released when the process ends); DemoBusy if another
    demo holds it: its appliance would re-issue the kiosk secret the other one uses."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / "demo.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DemoBusy(
            f"unable to start the demo: another demo runs with {state_dir}; "
            "give this one its own --state-dir"
        ) from None
    return fd


def write_demo_config(
    state_dir: Path,
    url: str,
    ca_path: Path,
    kiosk_name: str,
    secret: str,
    *,
    taps: Path | None = None,
    readers: bool = True,
    locale: str = "auto",
) -> Path:
    """The demo's config: the local appliance and a session. `taps`: the demo's own virtual
    tap socket, listened on, and the stand-in desktop is the session (its Lock and F1-F4 use
    that socket); without it the session just waits. `readers`: watch the machine's PC/SC
    readers too."""
    state_dir.mkdir(parents=True, exist_ok=True)
    secret_file = state_dir / "kiosk.secret"
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secret + "\n")
    if taps is not None:
        desktop = [sys.executable, "-m", "greeter.ui.stand_in", "--socket", str(taps)]
        session = f"[{', '.join(_toml_string(part) for part in [*desktop, '--locale', locale])}]"
        listen = f"virtual_socket = {_toml_string(str(taps))}"
    else:
        session, listen = '["sleep", "infinity"]', ""
    path = state_dir / "greeter.toml"
    path.write_text(
        f"""# written by `greeter demo`; edits are overwritten on the next run
[kiosk]
name = "{kiosk_name}"
locale = "{locale}"

[appliance]
url = "{url}"
ca = "{ca_path}"
kiosk_secret_file = "{secret_file}"

[cards]
# the machine's PC/SC readers (off with --no-readers); virtual taps on this demo's own socket
pcsc = {"true" if readers else "false"}
{listen}

[session]
# the stand-in for the clinical desktop: runs until its user logs out
commands = [{session}]
close_budget_seconds = 5
"""
    )
    return path


def _toml_string(text: str) -> str:
    # a basic TOML string: paths and the interpreter never hold quotes or backslashes here,
    # but one that does must not break the file
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_demo(
    state_dir: Path,
    *,
    event_log: str | None,
    readers: bool,
    locale: str,
    err: TextIO,
) -> int:
    """Start the demo appliance, write the demo's config and run the greeter on it."""
    from greeter.cli import EXIT_FAILED, run_ui

    try:
        from appliance.local import start_local_appliance
        from appliance.ssb_local import demo_spine_config, start_demo_ssb
    except ImportError as error:
        print(f"greeter: unable to start the demo appliance: {error}", file=err)
        return EXIT_FAILED
    try:
        lock = hold_state_dir(state_dir)
    except (DemoBusy, OSError) as error:
        print(f"greeter: {error}", file=err)
        return EXIT_FAILED
    try:
        print(f"greeter: starting the demo appliance in {state_dir} ...", file=err)
        try:
            # the SIMULATED Spine Security Broker first: the appliance is told its URL
            ssb = start_demo_ssb(state_dir / "appliance")
        except Exception as error:
            print(f"greeter: unable to start the simulated Spine broker: {error}", file=err)
            return EXIT_FAILED
        try:
            appliance = start_local_appliance(
                state_dir / "appliance", seed_demo=True, extra_config=demo_spine_config(ssb)
            )
        except Exception as error:
            ssb.stop()
            print(f"greeter: unable to start the demo appliance: {error}", file=err)
            return EXIT_FAILED
        try:
            taps = demo_socket_path()
            path = write_demo_config(
                state_dir, appliance.url, appliance.ca_path, appliance.kiosk_name,
                appliance.kiosk_secret, taps=taps, readers=readers, locale=locale,
            )  # fmt: skip
            watched = (
                "the machine's PC/SC readers are watched too (--no-readers: not)"
                if readers
                else "the machine's card readers are not watched (--no-readers)"
            )
            print(
                DEMO_HELP.format(url=appliance.url, ssb=ssb.url, socket=taps, readers=watched),
                file=err,
            )
            return run_ui(str(path), event_log=event_log, windowed=True, demo=True)
        finally:
            appliance.stop()
            ssb.stop()
    finally:
        os.close(lock)
