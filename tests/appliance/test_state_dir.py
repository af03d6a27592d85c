"""The state dir through the real CLI: owner-only files, a CA that stays, a server certificate
issued again when it will not do, and one clear line for a user who may not use the dir."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography import x509

from appliance.local import LocalAppliance, run_cli
from tests.appliance.kiosk_client import Kiosk
from tests.rig.appliance import start_demo_appliance

PRIVATE = ("appliance.toml", "secret.key", "ca.key", "server.key", "appliance.db")
CERTIFICATES = ("ca.pem", "server.pem")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most careless umask an admin's shell can have (children inherit it)."""
    old = os.umask(0)
    yield
    os.umask(old)


def init(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_cli(state, None, "init", *args)
    assert done.returncode == 0, done.stderr
    return done


def handshake(server: LocalAppliance, pinned_ca: Path, hostname: str) -> None:
    """A kiosk's TLS handshake: trusts only `pinned_ca` and checks the name it asked for."""
    address = urlsplit(server.url)
    context = ssl.create_default_context(cafile=str(pinned_ca))
    with (
        socket.create_connection((address.hostname, address.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=hostname),
    ):
        pass


def test_init_makes_every_file_owner_only_whatever_the_umask(tmp_path: Path, open_umask: None):
    state = tmp_path / "state"
    init(state)
    assert mode(state) == 0o700
    assert {name: mode(state / name) for name in PRIVATE} == dict.fromkeys(PRIVATE, 0o600)
    assert {name: mode(state / name) for name in CERTIFICATES} == dict.fromkeys(CERTIFICATES, 0o644)


def test_the_database_and_its_wal_stay_owner_only_while_serving(tmp_path: Path, open_umask: None):
    with start_demo_appliance(tmp_path / "state") as server:
        kiosk = Kiosk(server)
        assert kiosk.password("alice", "alice-demo-pass")["status"] in ("ok", "continue")
        kiosk.close()
        files = sorted(server.state_dir.glob("appliance.db*"))
        # SQLite keeps the -wal and -shm files while the server has the database open
        assert [path.name for path in files] == [
            "appliance.db",
            "appliance.db-shm",
            "appliance.db-wal",
        ]
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_init_tightens_what_was_left_open_and_says_so(tmp_path: Path):
    state = tmp_path / "state"
    init(state)
    state.chmod(0o755)
    (state / "appliance.toml").chmod(0o644)
    (state / "ca.key").chmod(0o640)
    (state / "ca.pem").chmod(0o666)
    done = init(state)
    assert done.stdout.splitlines()[0] == (
        "tightened modes: the state dir 0755 -> 0700, appliance.toml 0644 -> 0600,"
        " ca.key 0640 -> 0600, ca.pem 0666 -> 0644"
    )
    assert (mode(state), mode(state / "appliance.toml"), mode(state / "ca.key")) == (
        0o700, 0o600, 0o600,
    )  # fmt: skip
    assert mode(state / "ca.pem") == 0o644
    assert "tightened" not in init(state).stdout  # nothing left to say


def test_init_after_moving_the_certificate_away_keeps_the_ca_kiosks_pinned(tmp_path: Path):
    state = tmp_path / "state"
    init(state)
    pinned = shutil.copy(state / "ca.pem", tmp_path / "kiosk-pinned-ca.pem")
    (state / "server.pem").rename(tmp_path / "server.pem.old")  # as serve's error once advised
    done = init(state)
    assert done.stdout.splitlines()[0] == (
        "kept the CA; issued a server certificate for localhost, 127.0.0.1 (there was none)"
    )
    assert (state / "ca.pem").read_bytes() == Path(pinned).read_bytes()
    with start_demo_appliance(state) as server:
        handshake(server, Path(pinned), "localhost")


def test_init_with_a_new_name_reissues_the_certificate_for_it(tmp_path: Path):
    state = tmp_path / "state"
    init(state)
    pinned = shutil.copy(state / "ca.pem", tmp_path / "kiosk-pinned-ca.pem")
    done = init(state, "--name", "kiosk.example")
    assert done.stdout.splitlines()[0] == (
        "kept the CA; issued a server certificate for localhost, 127.0.0.1, kiosk.example"
        " (the names changed)"
    )
    cert = x509.load_pem_x509_certificate((state / "server.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost", "kiosk.example"]
    assert "issued" not in init(state).stdout  # the same names again: nothing to do
    with start_demo_appliance(state) as server:
        handshake(server, Path(pinned), "kiosk.example")


def test_a_damaged_key_is_replaced_by_init_as_serve_advises(tmp_path: Path):
    state = tmp_path / "state"
    init(state)
    before = (state / "ca.pem").read_bytes()
    (state / "server.key").write_text("garbage\n")
    refused = run_cli(state, None, "serve", "--port", "0")
    assert refused.returncode == 1
    assert "run `appliance init` to issue new ones from the CA the kiosks pin" in refused.stderr
    assert "its key was unreadable or not its own" in init(state).stdout
    assert (state / "ca.pem").read_bytes() == before


def test_half_a_ca_is_refused_never_replaced(tmp_path: Path):
    state = tmp_path / "state"
    init(state)
    before = (state / "ca.pem").read_bytes()
    (state / "ca.key").rename(tmp_path / "ca.key")  # kept offline, say
    assert init(state).returncode == 0  # the certificate there is fine: no key needed
    done = run_cli(state, None, "init", "--name", "kiosk.example")
    assert done.returncode == 1
    assert done.stderr == (
        f"appliance: unable to issue a server certificate (the names changed): {state}/ca.key is"
        f" missing; put the CA's key back (a new CA would break the trust every kiosk pinned in"
        f" {state}/ca.pem)\n"
    )
    assert (state / "ca.pem").read_bytes() == before
    (tmp_path / "ca.key").rename(state / "ca.key")
    (state / "ca.pem").rename(tmp_path / "ca.pem")
    done = run_cli(state, None, "init")
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"appliance: unable to use the CA: {state}/ca.pem is missing but {state}/ca.key is there"
    )
    assert len(done.stderr.splitlines()) == 1
    assert not (state / "ca.pem").exists()


def test_init_as_root_leaves_the_files_to_the_state_dirs_owner(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("needs root, as an admin's `sudo appliance init` has")
    state = tmp_path / "state"
    init(state)
    shutil.chown(state, "nobody", "nogroup")
    for path in state.iterdir():
        shutil.chown(path, "nobody", "nogroup")
    (state / "server.pem").unlink()
    init(state, "--name", "kiosk.example")  # rewrites the config and both server files
    owners = {path.name: path.owner() for path in state.iterdir()}
    assert owners == dict.fromkeys(owners, "nobody")


# -- a user who may not use the state dir -------------------------------------------------

DROP_DAC = "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown"


def as_not_the_owner(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user who does not own the state dir. The interpreter lives under /root
    (0700), so `nobody` could not even start it: instead root runs it without the
    capabilities that let root past file modes, against a state dir that `nobody` owns."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv (util-linux) to run as a user who is not the owner")
    command = ["setpriv", DROP_DAC, "--", sys.executable, "-m", "appliance"]
    return subprocess.run(
        [*command, "--state-dir", str(state), *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def give_to_nobody(*paths: Path) -> None:
    for path in paths:
        shutil.chown(path, "nobody", "nogroup")


@pytest.fixture
def state(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    init(state)
    return state


@pytest.mark.parametrize(
    "command",
    [["init"], ["serve", "--port", "0"], ["user", "list"], ["kiosk", "add", "k1"], ["audit"]],
    ids=" ".join,
)
def test_a_state_dir_of_another_user_is_one_line_naming_its_owner(state: Path, command: list[str]):
    give_to_nobody(state)
    done = as_not_the_owner(state, *command)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"appliance: unable to use {state}: permission denied (owned by nobody; run as that"
        " user or root)\n"
    )


@pytest.mark.parametrize(
    ("name", "verb"),
    [("appliance.toml", "read"), ("secret.key", "read"), ("appliance.db", "write")],
)
def test_a_file_of_another_user_is_one_line_naming_it_and_its_owner(
    state: Path, name: str, verb: str
):
    give_to_nobody(state / name)
    done = as_not_the_owner(state, "user", "list")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"appliance: unable to {verb} {state / name}: permission denied (owned by nobody; run"
        " as that user or root)\n"
    )


def test_a_key_of_another_user_stops_serve_and_init_with_one_line(state: Path):
    give_to_nobody(state / "server.key")
    expected = (
        f"appliance: unable to read {state}/server.key: permission denied (owned by nobody;"
        " run as that user or root)\n"
    )
    for command in (["serve", "--port", "0"], ["init"]):
        done = as_not_the_owner(state, *command)
        assert (done.returncode, done.stderr) == (1, expected), command


def test_a_state_dir_that_cannot_be_made_is_one_line(tmp_path: Path):
    parent = tmp_path / "parent"
    parent.mkdir(mode=0o755)
    give_to_nobody(parent)
    done = as_not_the_owner(parent / "state", "init")
    assert done.returncode == 1
    assert done.stderr == (
        f"appliance: unable to create {parent}/state: permission denied ({parent} is owned by"
        " nobody; run as that user or root)\n"
    )
