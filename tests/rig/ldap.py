"""A real OpenLDAP slapd in a temp dir, with StartTLS and LDAPS, and a few users.

`slapd_server` (module-scoped) yields an `Slapd` with `url` (ldap://, StartTLS capable),
`ldaps_url`, `ca_path` (the CA that signed slapd's certificate), `base` and `users`
({uid: (password, cn)}), and `void`: a suffix that finds no one but lets anyone bind as
anything under it (slapd's null backend), a directory no password check may trust. Skips
with the reason when slapd is not installed.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from appliance.certs import ensure_certificates

SLAPD = "/usr/sbin/slapd"
SCHEMAS = ("core", "cosine", "inetorgperson")
BASE = "dc=example,dc=org"
PEOPLE = f"ou=people,{BASE}"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PW = "rig-admin-pass"
VOID = "dc=void"
USERS = {
    "dana": ("dana-ldap-pass", "Dana Directory"),
    "eve": ("eve-ldap-pass", "Eve Evans"),
    "frank": ("frank-ldap-pass", "Frank Field"),
}


@dataclass(frozen=True)
class Slapd:
    url: str
    ldaps_url: str
    ca_path: Path
    base: str
    people: str
    users: dict[str, tuple[str, str]]
    void: str = VOID


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(root: Path) -> str:
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    return f"""{includes}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload back_null
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
TLSCACertificateFile {root}/ca.pem
TLSCertificateFile {root}/server.pem
TLSCertificateKeyFile {root}/server.key
database mdb
maxsize 10485760
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PW}
directory {root}/data
access to attrs=userPassword by anonymous auth by self write by * none
access to * by * read
database null
suffix "{VOID}"
bind on
"""


def _ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
    ]
    for uid, (password, cn) in USERS.items():
        entries.append(
            f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {cn}\n"
            f"sn: {cn.split()[-1]}\nuserPassword: {password}"
        )
    return "\n\n".join(entries) + "\n"


def start_slapd(root: Path) -> tuple[Slapd, Path]:
    (root / "data").mkdir(parents=True)
    ensure_certificates(root, ("localhost", "127.0.0.1"))
    (root / "slapd.conf").write_text(_config(root))
    port, tls_port = free_port(), free_port()
    url, ldaps_url = f"ldap://127.0.0.1:{port}", f"ldaps://127.0.0.1:{tls_port}"
    # without -d slapd detaches once it is listening, so its return means ready
    started = subprocess.run(
        [SLAPD, "-f", str(root / "slapd.conf"), "-h", f"{url}/ {ldaps_url}/"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    if started.returncode != 0:
        raise RuntimeError(f"unable to start slapd: {started.stderr.strip()}")
    loaded = subprocess.run(
        ["ldapadd", "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PW],
        input=_ldif(), capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    if loaded.returncode != 0:
        stop_slapd(root / "slapd.pid")
        raise RuntimeError(f"unable to load users into slapd: {loaded.stderr.strip()}")
    return Slapd(url, ldaps_url, root / "ca.pem", BASE, PEOPLE, dict(USERS)), root / "slapd.pid"


def stop_slapd(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        # slapd detached, so it is not our child: wait on a pidfd rather than poll
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        os.kill(pid, signal.SIGTERM)
        select.select([handle], [], [], 10)
    finally:
        os.close(handle)


@pytest.fixture(scope="module")
def slapd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    if not Path(SLAPD).exists() or shutil.which("ldapadd") is None:
        pytest.skip("slapd or ldap-utils is not installed (Debian packages slapd, ldap-utils)")
    server, pidfile = start_slapd(tmp_path_factory.mktemp("slapd"))
    yield server
    stop_slapd(pidfile)
