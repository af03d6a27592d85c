"""`greeter`: run the kiosk, the demo, check the readers, send virtual taps.

Exit codes: 0 done; 1 it did not work (doctor found a problem, a tap was not delivered, the UI
failed); 2 the config or the command line is wrong. Every failure is one plain sentence on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from greeter.app import Executor, Kiosk
from greeter.config import Config, load
from greeter.configkit import ConfigError
from greeter.wiring import build_kiosk

DEFAULT_CONFIG = "/etc/tapkiosk/greeter.toml"
EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

log = logging.getLogger("greeter")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except ConfigError as error:
        print(f"greeter: unable to read the config: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greeter",
        description="Tap-and-go login for shared clinical kiosks.",
        epilog="Exit codes: 0 done, 1 failed, 2 config or usage error.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the greeter on this kiosk")
    run.add_argument("--config", default=DEFAULT_CONFIG, help=f"config file ({DEFAULT_CONFIG})")
    run.add_argument("--event-log", metavar="PATH", help="write the event log here")
    run.add_argument("--windowed", action="store_true", help="a window, not full screen")
    run.set_defaults(command=cmd_run)

    demo = commands.add_parser(
        "demo", help="a local appliance with demo users and the greeter in a window"
    )
    demo.add_argument("--event-log", metavar="PATH", help="write the event log here")
    demo.add_argument(
        "--state-dir", metavar="DIR", help="the demo appliance's data (kept between runs)"
    )
    demo.set_defaults(command=cmd_demo)

    doctor = commands.add_parser(
        "doctor", help="check the config, the card readers and the appliance"
    )
    doctor.add_argument("--config", default=DEFAULT_CONFIG, help=f"config file ({DEFAULT_CONFIG})")
    doctor.set_defaults(command=cmd_doctor)

    tap = commands.add_parser("tap", help="tap a virtual card on a running greeter")
    tap.add_argument("card_id", metavar="CARD_ID", help="the card id as hex, e.g. 04A1B2C3D4E5F6")
    tap.add_argument("--remove", action="store_true", help="pull the (contact) card out")
    tap.add_argument("--contact", action="store_true", help="insert it as a contact card")
    tap.add_argument("--socket", metavar="PATH", help="the greeter's virtual tap socket")
    tap.set_defaults(command=cmd_tap)

    lock = commands.add_parser("lock", help="lock the session on a running greeter")
    lock.add_argument("--socket", metavar="PATH", help="the greeter's virtual tap socket")
    lock.set_defaults(command=cmd_lock)
    return parser


# --- run / demo -----------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    config = load(args.config)
    return run_ui(config, event_log=args.event_log, windowed=args.windowed)


def run_ui(
    config: Config,
    *,
    event_log: str | None,
    windowed: bool,
    virtual_socket: Path | None = None,
) -> int:
    """Hand over to the Qt UI (`greeter.ui.main.run`) with a factory that builds the kiosk on
    the UI's executor."""
    try:
        from greeter.ui.main import run as run_qt
    except ImportError as error:
        print(f"greeter: unable to start the UI: {error}", file=sys.stderr)
        return EXIT_FAILED

    def kiosk_factory(executor: Executor) -> Kiosk:
        return build_kiosk(
            config, executor, event_log_path=event_log, virtual_socket=virtual_socket
        )

    demo = virtual_socket is not None
    try:
        code: int = run_qt(config, kiosk_factory, windowed=windowed or demo, demo=demo)
    except ConfigError:
        raise
    except Exception as error:  # the last guard: one sentence, never a traceback
        log.debug("the UI failed", exc_info=True)
        print(f"greeter: unable to run the UI: {error}", file=sys.stderr)
        return EXIT_FAILED
    return code


def default_demo_dir() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "tapkiosk-demo"


def cmd_demo(args: argparse.Namespace) -> int:
    from greeter.cards.virtual import default_socket_path

    try:
        from appliance.local import start_local_appliance
    except ImportError as error:
        print(f"greeter: unable to start the demo appliance: {error}", file=sys.stderr)
        return EXIT_FAILED
    state_dir = Path(args.state_dir) if args.state_dir else default_demo_dir()
    print(f"greeter: starting the demo appliance in {state_dir} ...", file=sys.stderr)
    try:
        appliance = start_local_appliance(state_dir / "appliance", seed_demo=True)
    except Exception as error:
        print(f"greeter: unable to start the demo appliance: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        config = load(
            write_demo_config(
                state_dir, appliance.url, appliance.ca_path, appliance.kiosk_name,
                appliance.kiosk_secret,
            )
        )  # fmt: skip
        socket_path = default_socket_path()
        print(DEMO_HELP.format(url=appliance.url, socket=socket_path), file=sys.stderr)
        return run_ui(config, event_log=args.event_log, windowed=True, virtual_socket=socket_path)
    finally:
        appliance.stop()


DEMO_HELP = """\
greeter: demo appliance at {url}
  F1-F4 in the window tap the demo cards; or from a shell: greeter tap 04A1B2C3D4E5F6
  alice  card 04A1B2C3D4E5F6, PIN 1234 (two roles: the role screen)
  carol  card 04C0FFEE000001, password carol-demo-pass, then a new PIN (VSC notice)
  ravi   card 04AA0000000002, PIN 2468 (Registration Authority)
  bob    no card: sign in with password bob-demo-pass, or enrol an unknown card as bob
  virtual taps listen at {socket}"""


def write_demo_config(
    state_dir: Path, url: str, ca_path: Path, kiosk_name: str, secret: str
) -> Path:
    """The demo's config: the local appliance, virtual taps only, a session that just waits."""
    state_dir.mkdir(parents=True, exist_ok=True)
    secret_file = state_dir / "kiosk.secret"
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secret + "\n")
    path = state_dir / "greeter.toml"
    path.write_text(
        f"""# written by `greeter demo`; edits are overwritten on the next run
[kiosk]
name = "{kiosk_name}"
locale = "auto"

[appliance]
url = "{url}"
ca = "{ca_path}"
kiosk_secret_file = "{secret_file}"

[cards]
# virtual cards (F1-F4, `greeter tap`) always work; real readers are watched too when present
pcsc = true
nfc = ["usb"]

[session]
# a stand-in for the clinical desktop: runs until the session ends
commands = [["sleep", "infinity"]]
close_budget_seconds = 5
"""
    )
    return path


# --- doctor ---------------------------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    from greeter.doctor import run_doctor

    return run_doctor(args.config, sys.stdout)


# --- tap / lock -----------------------------------------------------------------------------


def _socket(args: argparse.Namespace) -> Path:
    from greeter.cards.virtual import default_socket_path

    return Path(args.socket) if args.socket else default_socket_path()


def cmd_tap(args: argparse.Namespace) -> int:
    from greeter.cards.virtual import VirtualTapError, send_remove, send_tap

    try:
        if args.remove:
            send_remove(_socket(args), args.card_id)
        else:
            send_tap(_socket(args), args.card_id, kind="contact" if args.contact else "contactless")
    except VirtualTapError as error:
        print(f"greeter: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_lock(args: argparse.Namespace) -> int:
    from greeter.cards.virtual import VirtualTapError, send_lock

    try:
        send_lock(_socket(args))
    except VirtualTapError as error:
        print(f"greeter: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
