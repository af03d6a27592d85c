"""Starting sessions and switching users with real child processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from greeter.session import Hook, SessionSettings, SessionStartError, SpineApp
from tests.session.conftest import ALICE, BOB, spine_app
from tests.session.programs import GREETER


def test_session_gets_the_users_environment_in_its_own_process_group(programs, make_runner):
    runner = make_runner(SessionSettings(commands=(programs.app_command("portal"),)))
    runner.start(ALICE)
    ready = programs.ready("portal")
    # which greeter started it: a greeter restarted after a crash closes a dead one's session
    greeter = ready["env"].pop("TAPKIOSK_GREETER")
    assert greeter == f"{os.getpid()}@{psutil.Process().create_time()!r}"
    assert ready["env"] == {
        "TAPKIOSK_USER": "alice",
        "TAPKIOSK_DOMAIN": "NHS",
        "TAPKIOSK_DISPLAY_NAME": "Alice Example",
        "TAPKIOSK_SPINE_ROLE": "R8000",
        "TAPKIOSK_SESSION_ID": "sess-alice-1",
    }
    pid = ready["pid"]
    # a group of its own: ending it ends what it started, and never the greeter
    assert os.getpgid(pid) == pid != os.getpgid(0)
    assert runner.active_user == ALICE


def test_placeholders_fill_the_command_and_no_role_means_no_role_variable(
    programs, make_runner, monkeypatch
):
    # a role left in the greeter's own environment must not leak into a user's session
    monkeypatch.setenv("TAPKIOSK_SPINE_ROLE", "stale")
    command = (*programs.app_command("vdi"), "--spawn", "{user}-viewer")
    runner = make_runner(SessionSettings(commands=(command,)))
    runner.start(BOB)
    assert "TAPKIOSK_SPINE_ROLE" not in programs.ready("vdi")["env"]
    assert programs.ready("bob-viewer")["env"]["TAPKIOSK_USER"] == "bob"


def test_switch_closes_the_previous_users_apps_without_losing_work(programs, make_runner, exits):
    settings = SessionSettings(
        commands=(
            programs.app_command("browser", "--spawn", "spine-portal", "--spawn", "ice"),
            programs.app_command("tray"),
        ),
        spine_apps=(spine_app(programs, "spine-portal"), spine_app(programs, "ice")),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    for name in ("browser", "spine-portal", "ice", "tray"):
        programs.ready(name)

    report = runner.end()

    assert programs.saved("spine-portal") == "SIGTERM"
    assert programs.saved("ice") == "SIGTERM"
    assert programs.saved("browser") == "SIGTERM"
    assert programs.saved("tray") == "SIGTERM"
    assert (report.user, report.graceful, report.forced) == ("alice", 4, 0)
    assert sorted(app.name for app in report.apps if app.kind == "spine_app") == [
        "ice",
        "spine-portal",
    ]
    assert [app.result for app in report.apps] == ["graceful"] * 4
    assert runner.active_user is None
    assert report.event() == {
        "event": "apps_closed",
        "user": "alice",
        "graceful": 4,
        "forced": 0,
        "duration_ms": report.duration_ms,
        "hooks_failed": [],
    }
    # the next user's session starts on the same runner; alice's end was asked for: no on_exit
    programs.forget("browser")
    runner.start(BOB)
    assert programs.ready("browser")["env"]["TAPKIOSK_USER"] == "bob"
    assert runner.active_user == BOB
    assert exits.calls == []


def test_app_that_ignores_sigterm_is_killed_after_its_wait(programs, make_runner, bystanders):
    stubborn = subprocess.Popen(programs.app_command("stubborn", "--ignore-term"))
    bystanders.append(stubborn)
    settings = SessionSettings(
        commands=(programs.app_command("session"),),
        spine_apps=(spine_app(programs, "stubborn", wait=0.5),),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("stubborn")
    programs.ready("session")

    started = time.monotonic()
    report = runner.end()
    took = time.monotonic() - started

    assert stubborn.wait(timeout=5) == -9
    (app,) = [app for app in report.apps if app.kind == "spine_app"]
    assert (app.name, app.result, app.steps) == ("stubborn", "forced", ("SIGTERM", "SIGKILL"))
    assert (report.graceful, report.forced) == (1, 1)  # the session saved, the app was killed
    assert 0.5 <= took < 3.0
    assert programs.saved("session") == "SIGTERM"


def test_processes_outside_the_session_and_the_rules_are_never_touched(
    programs, make_runner, bystanders
):
    bystander = subprocess.Popen(programs.app_command("notes"))
    stray_portal = subprocess.Popen(programs.app_command("spine-portal"))
    bystanders += [bystander, stray_portal]
    settings = SessionSettings(
        commands=(programs.app_command("session"),),
        spine_apps=(spine_app(programs, "spine-portal"),),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    for name in ("notes", "spine-portal", "session"):
        programs.ready(name)

    runner.end()

    # a known Spine app is closed wherever it runs; an unknown app outside the session is not
    assert stray_portal.wait(timeout=5) == 0
    assert programs.saved("spine-portal") == "SIGTERM"
    assert bystander.poll() is None
    assert programs.saved("notes") is None


def test_close_command_closes_the_app_gracefully(programs, make_runner, bystanders):
    # the app ignores SIGTERM: only its own close command can close it gracefully
    app = subprocess.Popen(programs.app_command("viewer", "--ignore-term"))
    bystanders.append(app)
    close = (sys.executable, str(programs.close), "{pid}")
    settings = SessionSettings(
        commands=(programs.app_command("session"),),
        spine_apps=(spine_app(programs, "viewer", wait=5, close_command=close),),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("viewer")
    programs.ready("session")

    report = runner.end()

    assert programs.saved("viewer") == "close_command"
    (outcome,) = [a for a in report.apps if a.kind == "spine_app"]
    assert (outcome.result, outcome.steps) == ("graceful", ("close_command",))
    assert report.duration_ms < 4000  # not the 5 s wait


def test_failing_close_command_falls_back_to_the_signal_at_once(programs, make_runner):
    settings = SessionSettings(
        commands=(programs.app_command("session", "--spawn", "viewer"),),
        spine_apps=(
            spine_app(programs, "viewer", wait=5, close_command=(sys.executable, "-c", "exit(1)")),
        ),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("viewer")
    programs.ready("session")

    report = runner.end()

    (outcome,) = [a for a in report.apps if a.kind == "spine_app"]
    assert outcome.result == "graceful"
    assert outcome.steps == ("close_command", "close command exited 1", "SIGTERM")
    assert programs.saved("viewer") == "SIGTERM"
    assert report.duration_ms < 4000


def test_apps_close_in_parallel(programs, make_runner):
    # each app ignores SIGTERM, so each takes exactly its wait: together ≈ the slowest, not the sum
    waits = {"slow-a": 0.6, "slow-b": 1.0, "slow-c": 1.4}
    spawn = [arg for name in waits for arg in ("--spawn-stubborn", name)]
    settings = SessionSettings(
        commands=(programs.app_command("session", *spawn),),
        spine_apps=tuple(spine_app(programs, name, wait=wait) for name, wait in waits.items()),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    for name in ("session", *waits):
        programs.ready(name)

    started = time.monotonic()
    report = runner.end()
    took = time.monotonic() - started

    assert report.forced == 3
    durations = {app.name: app.duration_ms for app in report.apps if app.kind == "spine_app"}
    for name, wait in waits.items():
        assert durations[name] >= wait * 1000
    assert 1.4 <= took < 2.6  # the sum would be 3.0 s
    assert programs.saved("session") == "SIGTERM"


def test_close_budget_bounds_the_whole_switch(programs, make_runner):
    settings = SessionSettings(
        commands=(programs.app_command("session", "--spawn-stubborn", "stuck"),),
        spine_apps=(spine_app(programs, "stuck", wait=30),),
        close_budget_seconds=1.5,
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("session")
    programs.ready("stuck")

    started = time.monotonic()
    report = runner.end()
    took = time.monotonic() - started

    assert took < 2.5
    assert report.forced == 1
    # the session's own command kept its share of the budget to save
    assert programs.saved("session") == "SIGTERM"


def test_session_descendants_that_left_its_group_are_ended_too(programs, make_runner):
    runner = make_runner(
        SessionSettings(commands=(programs.app_command("session", "--spawn-detached", "daemon"),))
    )
    runner.start(ALICE)
    programs.ready("session")
    pid = programs.ready("daemon")["pid"]
    assert os.getsid(pid) == pid  # it left the session's group and session

    runner.end()

    assert programs.saved("daemon") == "SIGTERM"
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_hooks_run_with_the_previous_user_hung_one_cut_off_failed_one_reported(
    programs, make_runner
):
    def hook(name: str, mode: str, timeout: float) -> Hook:
        out = str(programs.dir / f"{name}.out")
        return Hook(name, (sys.executable, str(programs.hook), out, "{user}", mode), timeout)

    settings = SessionSettings(
        commands=(programs.app_command("session"),),
        hooks=(hook("java", "ok", 5), hook("hangs", "hang", 0.7), hook("fails", "fail", 5)),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("session")

    started = time.monotonic()
    report = runner.end()
    took = time.monotonic() - started

    hooks = {hook.name: hook for hook in report.hooks}
    assert (programs.dir / "java.out").read_text() == "alice alice"
    assert hooks["java"].result == "ok"
    assert hooks["hangs"].result == "timed_out"
    assert 600 <= hooks["hangs"].duration_ms < 2500
    assert hooks["fails"].result == "failed"
    assert hooks["fails"].returncode == 2
    assert "no java process to close" in hooks["fails"].detail
    assert report.event()["hooks_failed"] == ["hangs", "fails"]
    # the switch went on regardless
    assert programs.saved("session") == "SIGTERM"
    assert took < 3.0


def test_missing_session_command_is_a_clear_error_and_leaves_nothing_running(programs, make_runner):
    settings = SessionSettings(
        commands=(programs.app_command("first"), ("/nonexistent/vdi-client", "--kiosk"))
    )
    runner = make_runner(settings)
    with pytest.raises(SessionStartError) as raised:
        runner.start(ALICE)
    assert str(raised.value) == "unable to start session: /nonexistent/vdi-client: not found"
    assert runner.active_user is None
    # the kiosk stays usable: a good configuration starts on the next login
    good = make_runner(SessionSettings(commands=(programs.app_command("second"),)))
    good.start(BOB)
    assert programs.ready("second")["env"]["TAPKIOSK_USER"] == "bob"


def test_session_that_crashes_reports_its_code_after_closing_its_apps(programs, make_runner, exits):
    settings = SessionSettings(
        commands=(
            programs.app_command(
                "vdi", "--spawn", "spine-portal", "--exit-after", "1.0", "--exit-code", "3"
            ),
        ),
        spine_apps=(spine_app(programs, "spine-portal"),),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("spine-portal")

    assert exits.wait(timeout=10)
    assert exits.calls == [(ALICE, 3)]
    assert runner.active_user is None
    assert programs.saved("spine-portal") == "SIGTERM"
    report = runner.last_report
    assert report is not None
    assert report.user == "alice"
    assert runner.end().user == ""  # nothing left to end


def test_second_start_without_end_is_refused(programs, make_runner):
    runner = make_runner(SessionSettings(commands=(programs.app_command("session"),)))
    runner.start(ALICE)
    with pytest.raises(SessionStartError, match="another session is running"):
        runner.start(BOB)
    assert runner.active_user == ALICE


def test_spine_app_matched_by_executable_name(programs, make_runner, tmp_path):
    # a Spine app binary of its own, as on a kiosk: here the interpreter under another name
    exe = tmp_path / f"spv{os.getpid() % 100000}"
    exe.symlink_to(sys.executable)
    command = (str(exe), str(programs.app), "--name", "viewer", "--dir", str(programs.dir))
    settings = SessionSettings(
        commands=(programs.app_command("session"), command),
        spine_apps=(SpineApp("viewer", exe.name, None, None, signal.SIGTERM, 2.0),),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("session")
    programs.ready("viewer")

    report = runner.end()

    spine = [(a.name, a.result) for a in report.apps if a.kind == "spine_app"]
    assert spine == [("viewer", "graceful")]
    assert programs.saved("viewer") == "SIGTERM"


def test_session_killed_by_a_signal_reports_it(programs, make_runner, exits):
    runner = make_runner(SessionSettings(commands=(programs.app_command("session"),)))
    runner.start(ALICE)
    pid = programs.ready("session")["pid"]
    os.kill(pid, signal.SIGKILL)  # a crash, as far as the greeter can tell
    assert exits.wait(timeout=10)
    assert exits.calls == [(ALICE, -signal.SIGKILL)]
    assert runner.active_user is None


def test_stop_ends_the_session_without_on_exit_and_refuses_new_ones(programs, make_runner, exits):
    runner = make_runner(SessionSettings(commands=(programs.app_command("session"),)))
    runner.start(ALICE)
    programs.ready("session")

    runner.stop()

    assert programs.saved("session") == "SIGTERM"
    assert runner.last_report is not None
    assert runner.last_report.graceful == 1
    assert exits.calls == []
    with pytest.raises(SessionStartError, match="stopping"):
        runner.start(BOB)


def test_hook_that_does_not_exist_is_reported_not_fatal(programs, make_runner):
    settings = SessionSettings(
        commands=(programs.app_command("session"),),
        hooks=(Hook("java", ("/nonexistent/close-java", "{user}"), 2.0),),
    )
    runner = make_runner(settings)
    runner.start(ALICE)
    programs.ready("session")

    report = runner.end()

    (hook,) = report.hooks
    assert (hook.result, hook.detail) == (
        "failed",
        "unable to run hook: /nonexistent/close-java: not found",
    )
    assert programs.saved("session") == "SIGTERM"


def start_other_greeter(programs, *names: str) -> subprocess.Popen[str]:
    """A greeter process of its own running alice's session (desktop + portal)."""
    script = programs.dir / "other_greeter.py"
    script.write_text(GREETER)
    desktop = programs.app_command(names[0], "--spawn", names[1])
    greeter = subprocess.Popen(
        [sys.executable, str(script), json.dumps([desktop])], stdout=subprocess.PIPE, text=True
    )
    assert greeter.stdout is not None
    assert greeter.stdout.readline() == "started\n"
    for name in names:
        programs.ready(name)
    return greeter


def test_a_crashed_greeters_session_is_closed_before_the_next_one_starts(
    programs, make_runner, bystanders
):
    crashed = start_other_greeter(programs, "old-desktop", "old-portal")
    bystanders.append(crashed)
    crashed.kill()  # the greeter dies; alice's desktop and portal run on
    crashed.wait()
    java_out = str(programs.dir / "java.out")
    settings = SessionSettings(
        commands=(programs.app_command("session"),),
        spine_apps=(spine_app(programs, "old-portal"),),
        hooks=(Hook("java", (sys.executable, str(programs.hook), java_out, "{user}", "ok"), 5),),
    )
    runner = make_runner(settings)

    runner.start(BOB)

    # before bob's session started, alice's was closed as a switch would: work saved, hooks run
    assert programs.saved("old-portal") == "SIGTERM"
    assert programs.saved("old-desktop") == "SIGTERM"
    assert (programs.dir / "java.out").read_text() == "alice alice"
    report = runner.last_report
    assert report is not None
    assert (report.user, report.graceful, report.forced) == ("alice", 2, 0)
    assert programs.ready("session")["env"]["TAPKIOSK_USER"] == "bob"


def test_a_live_greeters_session_is_not_a_leftover(programs, make_runner, bystanders):
    other = start_other_greeter(programs, "their-desktop", "their-portal")
    bystanders.append(other)
    desktop = programs.ready("their-desktop")["pid"]
    runner = make_runner(SessionSettings(commands=(programs.app_command("session"),)))

    runner.start(BOB)
    programs.ready("session")

    assert runner.last_report is None
    assert psutil.Process(desktop).status() != psutil.STATUS_ZOMBIE
    other.terminate()  # it ends its own session on the way out
    assert other.wait(timeout=10) == 0
    assert programs.saved("their-portal") == "SIGTERM"
    assert programs.saved("their-desktop") == "SIGTERM"


def test_a_session_command_that_is_itself_a_spine_app(programs, make_runner, exits):
    # the shipped config: the kiosk browser is the session and the Spine portal at once
    runner = make_runner(
        SessionSettings(
            commands=(programs.app_command("browser"),),
            spine_apps=(spine_app(programs, "browser"),),
        )
    )
    runner.start(ALICE)
    programs.ready("browser")

    report = runner.end()

    assert programs.saved("browser") == "SIGTERM"
    assert [(app.kind, app.result) for app in report.apps] == [
        ("spine_app", "graceful"),
        ("session", "gone"),
    ]
    assert (report.graceful, report.forced) == (1, 0)
    assert exits.calls == []
