"""`appliance`: the admin CLI (init, serve, users, policies, cards, kiosks, audit)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from appliance import admin, bundle, keyring, ra, spine_cli, ssbcerts, vsc_cli
from appliance.audit import Auditor, format_event, format_json, recent
from appliance.bootstrap import initialise, serve
from appliance.config import (
    ApplianceError,
    Settings,
    default_state_dir,
    load_settings,
    permission_denied,
)
from appliance.db import make_engine, session_factory
from appliance.demo import seed_demo
from appliance.keys import Keys
from appliance.models import CardFactor
from appliance.policy import SETTABLE, apply_setting, describe, new_policy
from appliance.statedir import is_initialised
from appliance.store import Attempts, Card, DesktopSession, Kiosk, PinVerifier, Policy, User


def _role(text: str) -> tuple[str, str]:
    code, sep, name = text.partition(":")
    if not sep or not code or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not CODE:NAME")
    return code, name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appliance", description="The tapkiosk appliance: the kiosks' backend server."
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="config, database and certificates (default: $APPLIANCE_STATE_DIR or "
        "/var/lib/tapkiosk-appliance)",
    )
    parser.add_argument("--db", default=None, help="database URL (overrides the config)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create the CA, server certificate and database")
    init.add_argument("--name", action="append", default=[], help="extra server name (repeat)")
    init.add_argument("--demo", action="store_true", help="also add the demo users")

    run = commands.add_parser("serve", help="serve the kiosk API over HTTPS")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8443, help="0 picks a free port")
    run.add_argument("--workers", type=int, default=1, help="server processes")
    run.add_argument("--ready-fd", type=int, default=None, help=argparse.SUPPRESS)

    user = commands.add_parser("user", help="manage users").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = user.add_parser("add", help="add a local user (password read from stdin or prompt)")
    add.add_argument("username")
    add.add_argument("--domain", required=True)
    add.add_argument("--display-name", default="")
    add.add_argument("--no-password", action="store_true", help="a directory (LDAP) user")
    add.add_argument("--ra", action="store_true", help="Registration Authority")
    add.add_argument("--policy", default="default")
    add.add_argument("--role", type=_role, action="append", default=[], help="CODE:NAME")
    add.add_argument("--current-role", default=None)
    user.add_parser("list", help="list users")
    uset = user.add_parser("set", help="change a user: --ra / --no-ra")
    uset.add_argument("name", help="USERNAME or USERNAME@DOMAIN")
    uset.add_argument(
        "--ra",
        action=argparse.BooleanOptionalAction,
        required=True,
        help="Registration Authority (only users whose policy enables Spine)",
    )
    for action, text in (
        ("disable", "disable a user"),
        ("enable", "enable a user"),
        ("unlock", "end a lockout"),
        ("reset-pin", "forget a user's PIN (they set a new one)"),
    ):
        sub = user.add_parser(action, help=text)
        sub.add_argument("name", help="USERNAME or USERNAME@DOMAIN")
    policy = commands.add_parser("policy", help="show or change login policies").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    show = policy.add_parser("show", help="show a policy")
    show.add_argument("name", nargs="?", default="default")
    pset = policy.add_parser(
        "set",
        help="change a policy: KEY=VALUE ...",
        description="Keys: " + "; ".join(f"{key} ({text})" for key, text in SETTABLE.items()),
    )
    pset.add_argument("assignments", nargs="+", metavar="KEY=VALUE")
    pset.add_argument("--name", default="default", help="policy name (default: default)")
    pset.add_argument("--create", action="store_true", help="create the policy if missing")

    card = commands.add_parser("card", help="register, approve, list or revoke cards")
    cards = card.add_subparsers(dest="action", required=True, metavar="ACTION")
    clist = cards.add_parser("list", help="list cards (by key: the database holds no card id)")
    clist.add_argument("--user", default=None)
    clist.add_argument("--pending", action="store_true", help="only cards awaiting approval")
    cadd = cards.add_parser("add", help="register a card for a user")
    cadd.add_argument("name", help="USERNAME or USERNAME@DOMAIN")
    cadd.add_argument("card_id", help="the card's id: upper-case hex of its UID")
    for action, text in (
        ("revoke", "revoke a card (its user's grace period ends too)"),
        ("approve", "approve a self-enrolled card held for approval"),
    ):
        cards.add_parser(action, help=text).add_argument("card_id")

    key = commands.add_parser("key", help="the server key (card lookups, PIN verifiers)")
    keys = key.add_subparsers(dest="action", required=True, metavar="ACTION")
    keys.add_parser("rotate", help="make a new key; the old one is kept until unused")
    keys.add_parser("status", help="the keys, and how many cards and verifiers each keys")
    keys.add_parser(
        "move-vscs", help="seal every VSC key still under a retired key under the current one"
    )

    session = commands.add_parser("session", help="desktop sessions on kiosks")
    sessions = session.add_subparsers(dest="action", required=True, metavar="ACTION")
    sessions.add_parser("list", help="sessions that have not ended")
    send = sessions.add_parser("end", help="end a session and its user's grace period")
    send.add_argument("session_id")

    kiosk = commands.add_parser("kiosk", help="authorise kiosks").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    kadd = kiosk.add_parser("add", help="authorise a kiosk; prints its secret once")
    kadd.add_argument("name")
    kadd.add_argument(
        "--bundle",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write FILE: the kiosk's name, the appliance URL, its secret and the CA, for "
        "/etc/tapkiosk/bundle.toml on the kiosk (the secret is then not printed)",
    )
    kadd.add_argument(
        "--url",
        action="append",
        default=None,
        help="an appliance URL in the bundle; repeat it for instances to fail over between, in "
        "the order the kiosk tries them (default: https://SERVER-NAME:8443, the first "
        "non-loopback name of `appliance init --name`)",
    )
    krev = kiosk.add_parser("revoke", help="revoke a kiosk")
    krev.add_argument("name")
    kiosk.add_parser("list", help="list kiosks")

    spine_cli.add_parser(commands)

    audit = commands.add_parser("audit", help="the latest audit events")
    audit.add_argument("--user", default=None)
    audit.add_argument("-n", "--lines", type=int, default=50)
    audit.add_argument(
        "--json",
        action="store_true",
        help="one JSON object a line: at, event, kiosk, user, card, detail",
    )
    vsc_cli.add_commands(commands)
    return parser


def _read_password(username: str) -> str:
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {username}: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise ApplianceError(f"unable to add user {username}: empty password")
    return password


def _with_db(settings: Settings, work: Callable[[Session, Auditor], int]) -> int:
    engine = make_engine(settings.db_url)
    try:
        with session_factory(engine)() as db:
            code = work(db, Auditor())
            db.commit()
            return code
    finally:
        engine.dispose()


def _user_cmd(args: argparse.Namespace, settings: Settings, db: Session, audit: Auditor) -> int:
    if args.action == "add":
        password = None if args.no_password else _read_password(args.username)
        new = admin.NewUser(
            args.username,
            args.domain,
            args.display_name,
            password=password,
            registration_authority=args.ra,
            policy=args.policy,
            roles=tuple(args.role),
            current_role=args.current_role,
        )
        user = admin.add_user(db, new, settings.hash_cost, settings.keys, audit)
        print(f"added {user.username}@{user.domain}")
    elif args.action == "list":
        pins = set(db.scalars(select(PinVerifier.user_id)).all())
        locked = {
            (row.username, row.domain)
            for row in db.scalars(select(Attempts).where(Attempts.locked_until > admin.now()))
        }
        for user in db.scalars(select(User).order_by(User.domain, User.username)).unique():
            flags = [f"policy={user.policy_name}", "pin" if user.id in pins else "no-pin"]
            flags += ["disabled"] * user.disabled + ["RA"] * user.registration_authority
            if (user.username, user.domain) in locked:
                flags.append("locked")
            print(f"{user.username}@{user.domain}\t{user.display_name}\t{' '.join(flags)}")
    elif args.action == "set":
        user = admin.find_user(db, args.name)
        ra.set_ra(db, user, args.ra)
        audit.record(
            db, "admin_user_set", at=admin.now(), kiosk=admin.ADMIN, username=user.username,
            ra=args.ra,
        )  # fmt: skip
        print(f"{user.username}@{user.domain}: {'RA' if args.ra else 'not an RA'}")
    elif args.action in ("disable", "enable"):
        admin.set_disabled(db, args.name, args.action == "disable", audit)
        print(f"{args.action}d {args.name}")
    elif args.action == "unlock":
        admin.unlock(db, args.name, audit)
        print(f"unlocked {args.name}")
    elif args.action == "reset-pin":
        admin.reset_pin(db, args.name, audit)
        print(f"{args.name} will set a new PIN at the next login")
    return 0


def _policy_cmd(args: argparse.Namespace, db: Session, audit: Auditor) -> int:
    policy = db.get(Policy, args.name)
    if args.action == "show":
        if policy is None:
            raise ApplianceError(f"unable to show policy {args.name}: no such policy")
        for key, value in describe(policy).items():
            print(f"{key} = {value}")
        return 0
    if policy is None:
        if not args.create:
            raise ApplianceError(f"unable to set policy {args.name}: no such policy (use --create)")
        policy = new_policy(args.name)
        db.add(policy)
    for assignment in args.assignments:
        key, sep, value = assignment.partition("=")
        if not sep:
            raise ApplianceError(f"unable to read {assignment!r}: use KEY=VALUE")
        apply_setting(policy, key.strip(), value.strip())
        audit.record(
            db, "admin_policy_set", at=admin.now(), kiosk=admin.ADMIN, policy=args.name, key=key
        )
    for key, value in describe(policy).items():
        print(f"{key} = {value}")
    return 0


def _card_cmd(args: argparse.Namespace, keys: Keys, db: Session, audit: Auditor) -> int:
    if args.action == "add":
        user = admin.find_user(db, args.name)
        admin.bind_card(db, user, _card_id(args.card_id), keys, audit)
        print(f"bound the card to {user.username}@{user.domain}")
        return 0
    if args.action in ("revoke", "approve"):
        act = admin.revoke_card if args.action == "revoke" else admin.approve_card
        card = act(db, _card_id(args.card_id), keys, audit)
        print(f"{args.action}d the card of {card.user.username}@{card.user.domain}")
        return 0
    query = select(Card).order_by(Card.enrolled_at)
    if args.user:
        query = query.where(Card.user_id == admin.find_user(db, args.user).id)
    if args.pending:
        query = query.where(Card.pending.is_(True))
    for card in db.scalars(query).unique():
        state = "revoked" if card.revoked_at else "pending" if card.pending else "active"
        print(
            f"card={card.card_key[:12]}\t{card.user.username}@{card.user.domain}\t"
            f"{card.enrolled_at:%Y-%m-%d %H:%M}Z at {card.enrolled_kiosk or '-'}\t{state}"
        )
    return 0


def _card_id(text: str) -> str:
    try:
        return CardFactor(type="card", id=text.strip()).id
    except ValidationError:
        raise ApplianceError(
            f"unable to read card id {text[:80]!r}: use the UID as hex, 8 to 64 digits"
        ) from None


def _session_cmd(args: argparse.Namespace, db: Session, audit: Auditor) -> int:
    if args.action == "end":
        user = admin.end_session(db, args.session_id, audit)
        print(f"ended the session of {user.username}@{user.domain}")
        return 0
    query = select(DesktopSession).where(DesktopSession.ended_at.is_(None))
    for session in db.scalars(query.order_by(DesktopSession.started_at)).unique():
        print(
            f"{session.id}\t{session.user.username}@{session.user.domain}\t{session.kiosk}\t"
            f"{session.method}\t{session.started_at:%Y-%m-%d %H:%M}Z"
        )
    return 0


def _kiosk_cmd(args: argparse.Namespace, settings: Settings, db: Session, audit: Auditor) -> int:
    if args.action == "add":
        urls = args.url or [bundle.default_url(settings)]
        for url in urls if args.bundle is not None else []:
            if not url.startswith("https://"):
                raise ApplianceError(f"unable to add {args.name}: {url!r} is not an https:// URL")
        secret = admin.add_kiosk(db, args.name, audit)
        if args.bundle is None:
            print(secret)
        else:
            bundle.write(args.bundle, args.name, urls, secret, settings)
            print(f"added {args.name}: bundle {args.bundle} (for /etc/tapkiosk/bundle.toml)")
    elif args.action == "revoke":
        admin.revoke_kiosk(db, args.name, audit)
        print(f"revoked {args.name}")
    else:
        for kiosk in db.scalars(select(Kiosk).order_by(Kiosk.name)):
            print(f"{kiosk.name}\t{'revoked' if kiosk.revoked_at else 'active'}")
    return 0


def run(args: argparse.Namespace) -> int:
    state_dir: Path = args.state_dir or default_state_dir()
    if args.command == "init":
        settings = initialise(state_dir, db_url=args.db, names=tuple(args.name), say=print)
        if args.demo:

            def seed(db: Session, audit: Auditor) -> int:
                added = seed_demo(db, settings.hash_cost, settings.keys, audit)
                ssbcerts.install_demo(state_dir)
                print(f"demo users added: {', '.join(added) or 'none (already there)'}")
                return 0

            _with_db(settings, seed)
        print(f"ready: {state_dir} (CA to pin: {settings.ca_cert})")
        return 0
    if not is_initialised(state_dir):
        raise ApplianceError(f"unable to use {state_dir}: not initialised; run `appliance init`")
    settings = load_settings(state_dir, args.db)
    if args.command == "serve":
        serve(settings, args.host, args.port, workers=args.workers, ready_fd=args.ready_fd)
        return 0
    if args.command == "user":
        return _with_db(settings, lambda db, audit: _user_cmd(args, settings, db, audit))
    if args.command == "policy":
        return _with_db(settings, lambda db, audit: _policy_cmd(args, db, audit))
    if args.command == "card":
        return _with_db(settings, lambda db, audit: _card_cmd(args, settings.keys, db, audit))
    if args.command == "session":
        return _with_db(settings, lambda db, audit: _session_cmd(args, db, audit))
    if args.command == "key":
        return keyring.command(args.action, settings)
    if args.command == "kiosk":
        return _with_db(settings, lambda db, audit: _kiosk_cmd(args, settings, db, audit))
    if args.command == "spine":
        return spine_cli.command(args, settings)
    if args.command == "audit":

        def show(db: Session, _audit: Auditor) -> int:
            render = format_json if args.json else format_event
            for event in recent(db, limit=args.lines, username=args.user):
                print(render(event))
            return 0

        return _with_db(settings, show)
    if args.command in vsc_cli.COMMANDS:
        return vsc_cli.run(args, settings, _with_db)
    raise ApplianceError(f"unable to run {args.command}: unknown command")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except ApplianceError as error:
        print(f"appliance: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        print(f"appliance: unable to use the database: {cause}", file=sys.stderr)
        return 1
    except PermissionError as error:
        # a file the checks before the work did not foresee
        if error.filename:
            print(f"appliance: {permission_denied(Path(error.filename), 'use')}", file=sys.stderr)
        else:
            print(f"appliance: unable to {args.command}: permission denied", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
