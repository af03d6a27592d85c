"""Small real programs the session tests run as session commands, Spine apps and hooks.

Each is written into the test's temp dir and started with this interpreter. An app writes
`<dir>/<name>.ready` (its pid and TAPKIOSK_* environment) once its signal handlers are in place,
and `<dir>/<name>.saved` (what asked it to close) when it closes gracefully -- the "work" that a
switch must not lose.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

APP = r"""
import argparse, json, os, signal, subprocess, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--dir", required=True)
parser.add_argument("--ignore-term", action="store_true")
parser.add_argument("--shutdown-ms", type=int, default=0)
parser.add_argument("--child-shutdown-ms", type=int, default=0)
parser.add_argument("--exit-after", type=float)
parser.add_argument("--exit-code", type=int, default=0)
parser.add_argument("--spawn", action="append", default=[], help="a child app's name")
parser.add_argument("--spawn-stubborn", action="append", default=[],
                    help="a child app's name; it ignores SIGTERM")
parser.add_argument("--spawn-detached", action="append", default=[],
                    help="a child app's name, started in a session of its own")
args = parser.parse_args()
out = os.path.join(args.dir, args.name)


def save(how):
    time.sleep(args.shutdown_ms / 1000)
    with open(out + ".saved.tmp", "w") as f:
        f.write(how)
    os.rename(out + ".saved.tmp", out + ".saved")
    os._exit(0)


signal.signal(signal.SIGTERM, signal.SIG_IGN if args.ignore_term else (lambda *_: save("SIGTERM")))
signal.signal(signal.SIGUSR2, lambda *_: save("close_command"))
for child in args.spawn + args.spawn_detached + args.spawn_stubborn:
    subprocess.Popen(
        [sys.executable, __file__, "--name", child, "--dir", args.dir]
        + ["--shutdown-ms", str(args.child_shutdown_ms)]
        + (["--ignore-term"] if child in args.spawn_stubborn else []),
        start_new_session=child in args.spawn_detached,
    )
env = {key: value for key, value in os.environ.items() if key.startswith("TAPKIOSK_")}
with open(out + ".ready.tmp", "w") as f:
    json.dump({"pid": os.getpid(), "argv": sys.argv[1:], "env": env}, f)
os.rename(out + ".ready.tmp", out + ".ready")
if args.exit_after is not None:
    time.sleep(args.exit_after)
    sys.exit(args.exit_code)
while True:
    signal.pause()
"""

# a close command: asks the app (by pid) to save and quit, the way `wmctrl -c` asks a window
CLOSE = r"""
import os, signal, sys
pid = int(sys.argv[1])
assert os.environ["TAPKIOSK_APP_PID"] == sys.argv[1]
os.kill(pid, signal.SIGUSR2)
"""

# a hook: records the user it got in argv and env, then behaves as told
HOOK = r"""
import os, sys, time
out, user, mode = sys.argv[1], sys.argv[2], sys.argv[3]
with open(out, "w") as f:
    f.write(user + " " + os.environ["TAPKIOSK_USER"])
if mode == "hang":
    time.sleep(600)
if mode == "fail":
    sys.stderr.write("no java process to close\n")
    sys.exit(2)
"""


class Programs:
    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.app = folder / "kioskapp.py"
        self.app.write_text(APP)
        self.close = folder / "close_app.py"
        self.close.write_text(CLOSE)
        self.hook = folder / "hook.py"
        self.hook.write_text(HOOK)

    def app_command(self, name: str, *options: str) -> tuple[str, ...]:
        return (sys.executable, str(self.app), "--name", name, "--dir", str(self.dir), *options)

    def cmdline_rule(self, name: str) -> str:
        """A regex that matches only this test's app `name` (other tests run on this machine)."""
        import re

        return re.escape(str(self.app)) + r" --name " + re.escape(name) + r"( |$)"

    def ready(self, name: str, timeout: float = 15.0) -> dict:
        path = self.dir / f"{name}.ready"
        wait_for_file(path, timeout)
        return json.loads(path.read_text())

    def forget(self, *names: str) -> None:
        """Remove apps' ready/saved files, so a name can be watched again in a next session."""
        for name in names:
            for suffix in ("ready", "saved"):
                (self.dir / f"{name}.{suffix}").unlink(missing_ok=True)

    def saved(self, name: str) -> str | None:
        path = self.dir / f"{name}.saved"
        return path.read_text() if path.exists() else None


def wait_for_file(path: Path, timeout: float) -> None:
    """Test-side wait for a child's file (a child process cannot set our Event)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} did not appear within {timeout} s")
        time.sleep(0.02)


# a greeter in a process of its own: starts a session for alice, says so, then waits; SIGTERM
# shuts it down properly, SIGKILL is the crash that leaves her session running
GREETER = r"""
import json, signal, sys
from greeter.session import SessionRunner, SessionSettings, SessionUser
commands = tuple(tuple(command) for command in json.loads(sys.argv[1]))
runner = SessionRunner(SessionSettings(commands=commands), lambda user, code: None)
runner.start(SessionUser("alice", "NHS", "Alice Example", None, "crashed-1"))
signal.signal(signal.SIGTERM, lambda *_: (runner.stop(), sys.exit(0)))
print("started", flush=True)
while True:
    signal.pause()
"""
