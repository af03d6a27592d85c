"""`appliance ssb-cert ...`: the CLI side of the SSB certificate store, virtual smartcards and
their report (the argument parsing lives here so `appliance/cli.py` only registers it)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from appliance import ssbcerts
from appliance.config import ApplianceError, Settings, read_state_file

COMMANDS = ("ssb-cert",)


def add_commands(commands: Any) -> None:
    ssb = commands.add_parser("ssb-cert", help="the SSB certificates the Spine broker trusts")
    actions = ssb.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a .cer, .crt or .pem file (PEM or DER)")
    add.add_argument("file", type=Path)
    actions.add_parser("list", help="list them (expiring within 30 days: ALERT)")
    remove = actions.add_parser("remove", help="remove one (ID from the listing)")
    remove.add_argument("cert_id")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _cert_line(cert: ssbcerts.SsbCert, at: dt.datetime) -> str:
    flag = f"\tALERT: expires in {cert.days_left(at)} days" if cert.alert(at) else ""
    return (
        f"{cert.id}\t{cert.not_after:%Y-%m-%d}\tsubject={cert.subject}\tissuer={cert.issuer}{flag}"
    )


def ssb_cert(args: argparse.Namespace, settings: Settings) -> int:
    state_dir = settings.state_dir
    at = now()
    if args.action == "add":
        data = read_state_file(args.file)
        if data is None:
            raise ApplianceError(f"unable to add {args.file}: no such file")
        for cert in ssbcerts.add(state_dir, args.file.name, data, at):
            print(f"added {_cert_line(cert, at)}")
    elif args.action == "remove":
        cert = ssbcerts.remove(state_dir, args.cert_id)
        print(f"removed {cert.id} ({cert.subject})")
    else:
        for cert in ssbcerts.listing(state_dir):
            print(_cert_line(cert, at))
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    return ssb_cert(args, settings)
