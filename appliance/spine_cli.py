"""`appliance spine`: delete a user's Spine session (a lost or stolen card) and the report."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from appliance import spine_report
from appliance.config import Settings
from appliance.db import make_engine, session_factory
from appliance.directory import Directory
from appliance.spine_sessions import SpineSessions

ADMIN_CLI = "admin-cli"


def _moment(text: str) -> dt.datetime:
    """A date (midnight UTC) or a time with its zone."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-31") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def add_parser(commands: Any) -> None:
    spine = commands.add_parser("spine", help="Spine sessions: delete, report").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    delete = spine.add_parser(
        "delete", help="end a user's Spine session at once and revoke its ticket at the SSB"
    )
    delete.add_argument("user", help="NAME or NAME@DOMAIN")
    report = spine.add_parser("report", help="Spine sessions per user over a period")
    report.add_argument("--since", type=_moment, default=None, help="date or time (UTC)")
    report.add_argument("--until", type=_moment, default=None, help="date or time, excluded")
    report.add_argument("--user", default=None)
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")


def command(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.db_url)
    try:
        database = session_factory(engine)
        if args.action == "delete":
            spine = SpineSessions(settings, database, Directory(settings), _now)
            ended = spine.delete(args.user, ADMIN_CLI, ADMIN_CLI)
            print(
                f"deleted the Spine session of {args.user}"
                if ended
                else f"{args.user} had no Spine ticket; any grace period is ended"
            )
            return 0
        with database() as db:
            lines = spine_report.report(db, args.since, args.until, args.user)
        print(spine_report.render(lines, args.format), end="")
        return 0
    finally:
        engine.dispose()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
