"""Both packages installed on this machine as IT installs them (`apt-get install ./x.deb`, as
root), then used as the README's deployment guide says: the appliance initialised and started
with its unit's command line as its own user, a kiosk added with a bundle, the installed
`greeter doctor`, a login with a vpcd card and a typed password on the installed greeter. Then
an upgrade to a build carrying a new migration (config kept, the migration run, offline), and a
purge (what the packages made is gone). The machine is left as it was found: packages apt
pulled in for them are purged again.

Runs only as root on a machine without tapkiosk (CI's clean Debian 12, or this one); systemd
need not run.
"""

from __future__ import annotations

import contextlib
import grp
import hashlib
import json
import os
import pwd
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

import greeter
from tests.packaging.conftest import ROOT, SIDES, build_debs
from tests.session.xvfb import xvfb

pytestmark = [pytest.mark.slow, pytest.mark.pcsc, pytest.mark.ui]

PACKAGES = tuple(f"tapkiosk-{side}" for side in SIDES)
USER = "tapkiosk-appliance"
STATE = Path("/var/lib/tapkiosk-appliance")
ETC = Path("/etc/tapkiosk")
UNIT = Path("/lib/systemd/system/tapkiosk-appliance.service")
# everything the packages (or their maintainer scripts) put on the machine
MADE = (
    STATE,
    ETC,
    UNIT,
    Path("/usr/lib/tapkiosk"),
    Path("/usr/lib/tapkiosk-kiosk"),
    Path("/usr/lib/tapkiosk-appliance"),
    Path("/usr/bin/greeter"),
    Path("/usr/bin/appliance"),
    Path("/usr/share/doc/tapkiosk-kiosk"),
    Path("/usr/share/doc/tapkiosk-appliance"),
)
KIOSK = "ward7-bay3"
# the port of the unit's `appliance serve` and of a bundle's URL by default
PORT = 8443
ALICE_CARD = "04C0FFEE123456"
ALICE_PASSWORD = "correct horse battery"
PROBE = "9999_upgrade_probe"
APT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"}


def _run(*command: str, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)}: {done.stdout}{done.stderr}"
    return done


def _installed() -> set[str]:
    listed = _run("dpkg-query", "-W", "-f", "${Package}:${Architecture} ${db:Status-Status}\n")
    return {line.split()[0] for line in listed.stdout.splitlines() if line.endswith(" installed")}


def _exists(lookup: Callable[[str], object], name: str) -> bool:
    """Whether `lookup` (pwd.getpwnam, grp.getgrnam) knows `name`."""
    try:
        lookup(name)
    except KeyError:
        return False
    return True


def _apt(*args: str, offline: bool = False) -> None:
    # offline: in a network namespace of its own, where nothing outside this machine answers
    prefix = ("unshare", "--net") if offline else ()
    _run(*prefix, "apt-get", "-y", "--no-install-recommends", *args, env=APT_ENV)


@pytest.fixture
def machine() -> Iterator[None]:
    """This machine, found without tapkiosk and left as it was: the packages apt added for
    ours are purged again, and nothing the packages made is left, even when a step failed."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("installs packages: needs root and apt-get")
    present = [str(path) for path in MADE if path.exists() or path.is_symlink()]
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            pytest.skip(f"port {PORT}, the appliance's, is taken on this machine")
    if present or _exists(pwd.getpwnam, USER) or _exists(grp.getgrnam, USER):
        pytest.skip(f"this machine already has tapkiosk ({present or USER}); it is left alone")
    before = _installed()
    try:
        yield
    finally:
        ours = [name for name in PACKAGES if any(p.startswith(f"{name}:") for p in _installed())]
        if ours:
            subprocess.run(["apt-get", "-y", "purge", *ours], env=APT_ENV, capture_output=True)
        added = sorted(_installed() - before)
        if added:
            subprocess.run(["apt-get", "-y", "purge", *added], env=APT_ENV, capture_output=True)
        for path in MADE:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        for command in (["deluser", "--system", USER], ["delgroup", "--system", USER]):
            subprocess.run(command, capture_output=True)


def _as_appliance(*args: str, stdin: str = "") -> str:
    """`appliance ARGS` the way the README's guide runs it: as its user, on its state dir."""
    done = subprocess.run(
        ["runuser", "-u", USER, "--", "env", f"APPLIANCE_STATE_DIR={STATE}", "appliance", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )
    assert done.returncode == 0, f"appliance {' '.join(args)}: {done.stderr}"
    return done.stdout


def _unit() -> dict[str, list[str]]:
    """The installed unit's [Service] settings, each key's values in order."""
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith(("#", "[")):
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _add_kiosk() -> bytes:
    """`appliance kiosk add KIOSK --bundle FILE` as the guide runs it; the bundle it wrote."""
    with tempfile.TemporaryDirectory() as drop:
        # the appliance's user writes it: a folder of its own, as its working directory would be
        shutil.chown(drop, USER)
        bundle = Path(drop) / f"{KIOSK}.toml"
        _as_appliance("kiosk", "add", KIOSK, "--bundle", str(bundle))
        return bundle.read_bytes()


def _lan_address() -> str:
    """This machine's address on its network (a UDP connect sends nothing), not loopback: a
    kiosk is another machine."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            pytest.skip("this machine has no network address for a kiosk to reach")
        address: str = probe.getsockname()[0]
        return address


@contextlib.contextmanager
def _service() -> Iterator[None]:
    """The appliance as its unit runs it, with systemd not running: ExecStartPre, then
    ExecStart, as the unit's User and Group, with the unit's Environment (and a pipe to say
    when it listens)."""
    unit = _unit()
    (user,), (group,) = unit["User"], unit["Group"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(STATE)}
    env.update(item.partition("=")[::2] for item in unit.get("Environment", []))
    as_user = ["setpriv", f"--reuid={user}", f"--regid={group}", "--init-groups", "--"]
    for pre in unit.get("ExecStartPre", []):
        _run(*as_user, *pre.split(), env=env, cwd="/")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            *as_user,
            *unit["ExecStart"][0].split(),
            "--ready-fd",
            str(write_end),
        ],
        pass_fds=(write_end,),
        env=env,
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 60)
        port_read = os.read(read_end, 64).strip() if ready else b""
        assert port_read, f"the installed appliance did not start: {server.stderr}"
        yield
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=30)


def _doctor(pcscd) -> str:
    """The installed `greeter doctor` on the installed config (and the bundle beside it)."""
    done = subprocess.run(
        ["greeter", "doctor"],
        env={"PATH": "/usr/bin:/bin", "HOME": "/root", **pcscd.env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _wait_for(events: Path, process: subprocess.Popen[str], text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (events.exists() and text in events.read_text()):
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"{text} never came: {events.read_text()}"
        time.sleep(0.2)


def _log_in_on_the_greeter(pcscd, tmp_path: Path) -> None:
    """The installed greeter on a real X server: alice taps her vpcd card and types her
    password; her session starts."""
    events = tmp_path / "events.jsonl"
    with xvfb(size="1280x800x24") as display:
        env = {"PATH": "/usr/bin:/bin", "HOME": "/root", "DISPLAY": display,
               "QT_QPA_PLATFORM": "xcb", **pcscd.env}  # fmt: skip
        process = subprocess.Popen(
            ["greeter", "run", "--event-log", str(events)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_for(events, process, '"event":"ready"')
            pcscd.card(pcscd.readers[1], uid=bytes.fromhex(ALICE_CARD)).insert()
            _wait_for(events, process, '"screen":"password"')
            for keys in (["type", "--delay", "40", ALICE_PASSWORD], ["key", "Return"]):
                _run("xdotool", *keys, env={"PATH": "/usr/bin:/bin", "DISPLAY": display})
            _wait_for(events, process, '"action":"started"')
        finally:
            process.terminate()
            process.wait(timeout=30)
    logged = events.read_text()
    assert '"user":"alice"' in logged
    assert ALICE_CARD not in logged.upper()
    assert ALICE_PASSWORD not in logged


def _upgrade_build(tmp_path: Path) -> tuple[dict[str, Path], str]:
    """The next version: this checkout with its version bumped and one more migration."""
    source = tmp_path / "next"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__"
        ),
    )
    version = f"{greeter.__version__}+upgrade1"
    init = source / "greeter" / "__init__.py"
    init.write_text(
        re.sub(r'__version__ = "[^"]*"', f'__version__ = "{version}"', init.read_text())
    )
    migrations = ROOT / "appliance" / "migrations"
    head = ScriptDirectory(str(migrations)).get_current_head()
    (source / "appliance" / "migrations" / "versions" / f"{PROBE}.py").write_text(
        f'"""A table that only an upgrade\'s migration makes."""\n\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "{PROBE}"\ndown_revision = "{head}"\n\n\n'
        'def upgrade() -> None:\n    op.create_table("upgrade_probe", '
        'sa.Column("id", sa.Integer, primary_key=True))\n\n\n'
        'def downgrade() -> None:\n    op.drop_table("upgrade_probe")\n'
    )
    return build_debs(source, tmp_path / "next-dist"), version


def _schema_version() -> str:
    with contextlib.closing(
        sqlite3.connect(f"file:{STATE / 'appliance.db'}?mode=ro", uri=True)
    ) as db:
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(revision)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_install_use_upgrade_and_purge_both_packages(machine, debs, pcscd, tmp_path):
    # 1. appliance install and init (README: Deploying, step by step)
    _apt("install", *(str(debs[side]) for side in SIDES))
    assert _exists(pwd.getpwnam, USER)
    assert STATE.stat().st_uid == pwd.getpwnam(USER).pw_uid
    address = _lan_address()
    _as_appliance("init", "--name", address)
    url = f"https://{address}:{PORT}"
    with _service():
        # users, policy, and 2. the kiosk added, with its bundle
        _as_appliance("policy", "set", "pin=off")
        _as_appliance("user", "add", "alice", "--domain", "ward", stdin=ALICE_PASSWORD + "\n")
        _as_appliance("card", "add", "alice@ward", ALICE_CARD)
        bundle = _add_kiosk()
        # 3. the kiosk's one fleet-wide edit; 4. the bundle placed (the kiosk user is root here)
        config = ETC / "greeter.toml"
        config.write_text(
            config.read_text().replace(
                '[["/usr/bin/firefox", "--kiosk", "https://portal.spine.nhs.uk/"]]',
                '[["sleep", "300"]]',
            )
        )
        (ETC / "bundle.toml").touch(mode=0o600)
        (ETC / "bundle.toml").write_bytes(bundle)
        # 6. the installed doctor, then a login through a vpcd card on the installed greeter
        assert f"[ok  ] {url}: answers for kiosk {KIOSK}" in _doctor(pcscd)
        _log_in_on_the_greeter(pcscd, tmp_path)
        audit = [
            json.loads(line)
            for line in _as_appliance("audit", "--user", "alice", "--json").splitlines()
        ]
        assert {"event": "login", "kiosk": KIOSK} in [
            {k: e[k] for k in ("event", "kiosk")} for e in audit
        ], audit

    # upgrade, as a kiosk and an appliance without network would: configs kept, migrated
    kept = {path: _digest(path) for path in (config, ETC / "bundle.toml", STATE / "ca.pem")}
    kept[STATE / "appliance.toml"] = _digest(STATE / "appliance.toml")
    schema_before = _schema_version()
    upgrade, version = _upgrade_build(tmp_path)
    _apt("install", *(str(upgrade[side]) for side in SIDES), offline=True)
    for name in PACKAGES:
        status = _run("dpkg-query", "-W", "-f", "${Version}", name).stdout
        assert status == version, name
    assert {path: _digest(path) for path in kept} == kept
    assert schema_before != PROBE
    assert _schema_version() == PROBE
    # the upgrade's migration ran as the appliance's user: it can still write its database
    assert (STATE / "appliance.db").stat().st_uid == pwd.getpwnam(USER).pw_uid
    with _service():
        assert f"[ok  ] {url}: answers for kiosk {KIOSK}" in _doctor(pcscd)
        assert "alice" in _as_appliance("user", "list")

    # purge: the bundle is IT's (README), the rest the packages'
    (ETC / "bundle.toml").unlink()
    _apt("purge", *PACKAGES)
    left = [str(path) for path in MADE if path.exists()]
    assert not left, f"purge left {left}"
    assert not _exists(pwd.getpwnam, USER)
    assert not _exists(grp.getgrnam, USER)
