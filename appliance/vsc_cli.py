"""`appliance ssb-cert ...`: the CLI side of the SSB certificate store, virtual smartcards and
their report (the argument parsing lives here so `appliance/cli.py` only registers it)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from appliance import report, ssbcerts, vsc
from appliance.admin import ADMIN
from appliance.alerts import check
from appliance.audit import Auditor
from appliance.config import ApplianceError, Settings, read_state_file
from appliance.vscgen import test_certificate

COMMANDS = ("ssb-cert", "vsc", "report")
WithDb = Callable[[Settings, Callable[[Session, Auditor], int]], int]


def add_commands(commands: Any) -> None:
    ssb = commands.add_parser("ssb-cert", help="the SSB certificates the Spine broker trusts")
    actions = ssb.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a .cer, .crt or .pem file (PEM or DER)")
    add.add_argument("file", type=Path)
    actions.add_parser("list", help="list them (expiring within 30 days: ALERT)")
    remove = actions.add_parser("remove", help="remove one (ID from the listing)")
    remove.add_argument("cert_id")

    vscs = commands.add_parser("vsc", help="virtual smartcards generated in CIS")
    vsc_actions = vscs.add_subparsers(dest="action", required=True, metavar="ACTION")
    vadd = vsc_actions.add_parser("add", help="add a VSC: its certificate and private key")
    vrenew = vsc_actions.add_parser("renew", help="install a VSC's renewed certificate and key")
    for sub in (vadd, vrenew):
        sub.add_argument("--cert", type=Path, required=True, help="certificate, PEM or DER")
        sub.add_argument("--key", type=Path, required=True, help="private key, PEM or DER")
    vadd.add_argument("--cis-username", required=True)
    vadd.add_argument("--serial", required=True)
    vrenew.add_argument("serial")
    vgen = vsc_actions.add_parser(
        "generate", help="add a VSC made of test certificates (demo and tests only)"
    )
    vgen.add_argument("cis_username")
    vgen.add_argument("serial")
    vgen.add_argument("--days", type=int, default=365, help="valid for (default 365)")
    vsc_actions.add_parser("list", help="the inventory: serial, CIS username, status, owner")
    vsc_actions.add_parser("revoke", help="revoke a VSC").add_argument("serial")

    reports = commands.add_parser("report", help="reports").add_subparsers(
        dest="action", required=True, metavar="REPORT"
    )
    vreport = reports.add_parser(
        "vsc", help="VSCs expiring within their users' warning window, and RAs holding a VSC"
    )
    vreport.add_argument("--json", action="store_true")


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


def _alert_check(settings: Settings, db: Session, audit: Auditor) -> int:
    # a listing raises the day's alert too, if nobody has (the e-mail before the CLI exits)
    check(db, settings, audit, now(), wait=True)
    return 0


def _file(path: Path) -> bytes:
    data = read_state_file(path)
    if data is None:
        raise ApplianceError(f"unable to read {path}: no such file")
    return data


def _vsc_line(item: dict[str, Any]) -> str:
    return (
        f"{item['serial']}\tcis={item['cis_username']}\t{item['status']}\t"
        f"{item['owner'] or '-'}\t{item['not_after'][:10]} ({item['days_left']} days)"
    )


def vsc_cmd(args: argparse.Namespace, settings: Settings, db: Session, audit: Auditor) -> int:
    at = now()
    change = vsc.Change(settings.keys, audit, at, ADMIN)
    if args.action in ("add", "generate"):
        if args.action == "add":
            material = vsc.Material(_file(args.cert), _file(args.key))
        else:
            made = test_certificate(args.cis_username, at + dt.timedelta(days=args.days))
            material = vsc.Material(made.cert_pem, made.key_pem)
        added = vsc.add(db, change, args.cis_username, args.serial, material)
        print(f"added {_vsc_line(vsc.view(added, at))}")
    elif args.action == "renew":
        material = vsc.Material(_file(args.cert), _file(args.key))
        print(f"renewed {_vsc_line(vsc.view(vsc.renew(db, change, args.serial, material), at))}")
    elif args.action == "revoke":
        print(f"revoked {_vsc_line(vsc.view(vsc.revoke(db, change, args.serial), at))}")
    else:
        for item in vsc.listing(db):
            print(_vsc_line(vsc.view(item, at)))
    return 0


def report_cmd(args: argparse.Namespace, db: Session) -> int:
    found = report.vsc_report(db, now())
    if args.json:
        print(json.dumps(found, sort_keys=True))
        return 0
    print("VSCs expiring within their users' warning window:")
    for item in found["expiring"]:
        print(f"  {_vsc_line(item)}")
    print("RAs holding a VSC (must not happen):")
    for item in found["ras_holding_vsc"]:
        print(f"  {_vsc_line(item)}")
    return 0


def run(args: argparse.Namespace, settings: Settings, with_db: WithDb) -> int:
    if args.command == "ssb-cert":
        if args.action == "list":
            with_db(settings, lambda db, audit: _alert_check(settings, db, audit))
        return ssb_cert(args, settings)
    if args.command == "vsc":
        return with_db(settings, lambda db, audit: vsc_cmd(args, settings, db, audit))
    return with_db(settings, lambda db, _audit: report_cmd(args, db))
