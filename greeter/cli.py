"""`greeter`: run the kiosk, the demo, check the readers, send virtual taps.

Exit codes: 0 done; 1 it did not work (doctor found a problem, a tap was not delivered, the UI
failed); 2 the config or the command line is wrong. Every failure is one plain sentence on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from greeter.app import Executor, Kiosk
from greeter.config import LOCALES, Config, load
from greeter.wiring import build_kiosk

if TYPE_CHECKING:
    from greeter.offline_logins import OfflineLogins

DEFAULT_CONFIG = "/etc/tapkiosk/greeter.toml"
EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

log = logging.getLogger("greeter")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # the greeter's own lines (the event log's copy for the journal among them) at INFO;
    # libraries only when something is wrong (the demo appliance's migrations are no news)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        log.setLevel(logging.INFO)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
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
    demo.add_argument(
        "--no-readers",
        action="store_true",
        help="do not watch this machine's card readers (F1-F4 and `greeter tap` only)",
    )
    demo.add_argument(
        "--locale", choices=LOCALES, default="auto", help="the screens' language (auto)"
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

    ticket = commands.add_parser(
        "ticket", help="the signed-in user's Spine ticket, from the kiosk's ticket API (JSON)"
    )
    ticket.add_argument(
        "--socket", metavar="PATH", help="the ticket API's socket ($TAPKIOSK_TICKET_SOCKET)"
    )
    ticket.set_defaults(command=cmd_ticket)

    offline = commands.add_parser(
        "offline", help="the offline-login cache on this kiosk"
    ).add_subparsers(title="actions", required=True, metavar="ACTION")
    for action, text, handler in (
        ("wipe", "forget every cached offline login (and its key)", cmd_offline_wipe),
        ("status", "how many offline logins are cached and events queued", cmd_offline_status),
    ):
        sub = offline.add_parser(action, help=text)
        sub.add_argument("--config", default=DEFAULT_CONFIG, help=f"config file ({DEFAULT_CONFIG})")
        sub.set_defaults(command=handler)
    return parser


# --- run / demo -----------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    return run_ui(args.config, event_log=args.event_log, windowed=args.windowed)


def run_ui(config_path: str, *, event_log: str | None, windowed: bool, demo: bool = False) -> int:
    """Hand over to the Qt UI (`greeter.ui.supervisor`): the greeter on the config at
    `config_path`, or the not-set-up screen until that config can be used."""
    try:
        from greeter.ui.main import KioskFactory
        from greeter.ui.supervisor import KioskProcess, run
    except ImportError as error:
        print(f"greeter: unable to start the UI: {error}", file=sys.stderr)
        return EXIT_FAILED

    def factory_for(config: Config) -> KioskFactory:
        def kiosk_factory(executor: Executor) -> Kiosk:
            return build_kiosk(config, executor, event_log_path=event_log)

        return kiosk_factory

    process = KioskProcess(
        config_path,
        lambda: load(config_path),
        factory_for,
        windowed=windowed or demo,
        demo=demo,
        event_log_path=event_log,
    )
    try:
        return run(process)
    except Exception as error:  # the last guard: one sentence, never a traceback
        log.debug("the UI failed", exc_info=True)
        print(f"greeter: unable to run the UI: {error}", file=sys.stderr)
        return EXIT_FAILED


def cmd_demo(args: argparse.Namespace) -> int:
    from greeter.demo import default_demo_dir, run_demo

    return run_demo(
        Path(args.state_dir) if args.state_dir else default_demo_dir(),
        event_log=args.event_log,
        readers=not args.no_readers,
        locale=args.locale,
        err=sys.stderr,
    )


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


# --- ticket ---------------------------------------------------------------------------------


def cmd_ticket(args: argparse.Namespace) -> int:
    """Print the ticket API's answer as JSON; 0 with a ticket, 1 refused or unreachable."""
    import json

    from greeter.ticketapi.client import TicketApiError, request_ticket

    try:
        answer = request_ticket(Path(args.socket) if args.socket else None)
    except TicketApiError as error:
        print(f"greeter: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(answer, indent=2))
    return EXIT_OK if answer["ok"] else EXIT_FAILED


# --- offline --------------------------------------------------------------------------------


def _offline_logins(config_path: str) -> OfflineLogins | None:
    from greeter.configkit import ConfigError
    from greeter.events import EventLog
    from greeter.wiring import offline_logins

    try:
        config = load(config_path)
    except ConfigError as error:
        print(f"greeter: {error}", file=sys.stderr)
        return None
    return offline_logins(config, EventLog(None, b""))


def cmd_offline_wipe(args: argparse.Namespace) -> int:
    logins = _offline_logins(args.config)
    if logins is None:
        return EXIT_CONFIG
    try:
        count = logins.cache.wipe()
    except OSError as error:
        print(f"greeter: unable to wipe the offline cache: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wiped {count} cached offline login(s) and their key in {logins.cache.state_dir}")
    return EXIT_OK


def cmd_offline_status(args: argparse.Namespace) -> int:
    logins = _offline_logins(args.config)
    if logins is None:
        return EXIT_CONFIG
    try:
        cached, queued = logins.cache.count(), len(logins.queue.pending())
    except OSError as error:
        print(f"greeter: unable to read the offline cache: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{cached} cached offline login(s), {queued} offline event(s) waiting for the appliance")
    return EXIT_OK
