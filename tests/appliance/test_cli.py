"""The admin CLI: help everywhere, clear one-line errors, no tracebacks."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from appliance.cli import main
from appliance.local import run_cli

COMMANDS = [
    [],
    ["init"],
    ["serve"],
    ["user"],
    ["user", "add"],
    ["user", "list"],
    ["user", "disable"],
    ["user", "enable"],
    ["user", "unlock"],
    ["user", "reset-pin"],
    ["policy"],
    ["policy", "show"],
    ["policy", "set"],
    ["card"],
    ["card", "list"],
    ["card", "revoke"],
    ["kiosk"],
    ["kiosk", "add"],
    ["kiosk", "revoke"],
    ["kiosk", "list"],
    ["audit"],
    ["spine"],
    ["spine", "delete"],
    ["spine", "report"],
]


def cli(*args: str, state_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The CLI in this process (quick); `run_cli` runs it as a child like an admin would."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["--state-dir", str(state_dir), *args]
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        mock.patch.object(sys, "stdin", io.StringIO(stdin)),
    ):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(tmp_path: Path, command: list[str]):
    done = cli(*command, "--help", state_dir=tmp_path)
    assert done.returncode == 0, (command, done.stderr)
    assert "usage: appliance" in done.stdout, command


def test_missing_arguments_are_usage_errors_not_tracebacks(tmp_path: Path):
    done = run_cli(tmp_path, None, "user", "add")
    assert done.returncode == 2
    assert "the following arguments are required: username, --domain" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state_dir = tmp_path_factory.mktemp("cli") / "state"
    done = run_cli(state_dir, None, "init", "--name", "appliance.ward.example")
    assert done.returncode == 0, done.stderr
    return state_dir


def test_init_makes_ca_and_a_certificate_for_loopback_and_configured_names(state: Path):
    from cryptography import x509

    cert = x509.load_pem_x509_certificate((state / "server.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "appliance.ward.example" in names.get_values_for_type(x509.DNSName)
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert oct((state / "ca.key").stat().st_mode & 0o777) == "0o600"
    # running it again keeps what is there
    before = (state / "ca.pem").read_bytes()
    assert run_cli(state, None, "init").returncode == 0
    assert (state / "ca.pem").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["policy", "set", "grace=13h"], "", "the grace period is at most 12 h"),
        (["policy", "set", "grace=soon"], "", "unable to read duration 'soon'"),
        (["policy", "set", "colour=blue"], "", "no such policy setting"),
        (["policy", "set", "max_attempts=0"], "", "not between 1 and 100"),
        (["policy", "set", "first_factors=retina"], "", "unable to set first_factors"),
        (["policy", "show", "nope"], "", "no such policy"),
        (["user", "unlock", "ghost"], "", "unable to find user ghost"),
        (["user", "add", "x", "--domain", "D", "--policy", "nope"], "pw\n", "no policy named"),
        (["user", "add", "y", "--domain", "D"], "\n", "empty password"),
        (["card", "revoke", "04FFFFFFFF"], "", "no such card"),
        (["kiosk", "revoke", "nowhere"], "", "no such kiosk"),
    ],
)
def test_errors_are_one_clear_line(state: Path, args: list[str], stdin: str, message: str):
    done = cli(*args, state_dir=state, stdin=stdin)
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stderr.startswith("appliance: unable to")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_duplicate_user_and_kiosk_are_refused(state: Path):
    assert cli("user", "add", "zed", "--domain", "D", state_dir=state, stdin="pw\n").returncode == 0
    again = cli("user", "add", "zed", "--domain", "d", state_dir=state, stdin="pw\n")
    assert (again.returncode, "exists" in again.stderr) == (1, True)
    secret = cli("kiosk", "add", "k1", state_dir=state).stdout.strip()
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    assert "exists" in cli("kiosk", "add", "k1", state_dir=state).stderr


def test_uninitialised_state_dir_and_bad_db_url(tmp_path: Path):
    done = cli("user", "list", state_dir=tmp_path / "nothing")
    assert done.returncode == 1
    assert "not initialised; run `appliance init`" in done.stderr
    bad_db = run_cli(tmp_path / "s", "postgresql://nobody@127.0.0.1:1/x", "init")
    assert bad_db.returncode == 1
    assert bad_db.stderr.startswith("appliance: unable to")
    assert "Traceback" not in bad_db.stderr


def test_state_dir_defaults_to_the_environment(tmp_path: Path):
    env = {**os.environ, "APPLIANCE_STATE_DIR": str(tmp_path / "env-state")}
    done = subprocess.run(
        [sys.executable, "-m", "appliance", "init"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env-state" / "appliance.db").exists()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_with_a_damaged_key_says_so_and_stops(tmp_path: Path, workers: str):
    assert run_cli(tmp_path / "s", None, "init").returncode == 0
    (tmp_path / "s" / "server.key").write_text("garbage\n")
    done = run_cli(tmp_path / "s", None, "serve", "--port", "0", "--workers", workers)
    assert done.returncode == 1
    assert done.stderr.startswith("appliance: unable to serve: the server certificate or key")
    assert "Traceback" not in done.stderr
