"""Who may be touched: the rules never reach the greeter, its ancestors or other users."""

from __future__ import annotations

import os
import re
import signal
import subprocess

import psutil
import pytest

from greeter.session import SessionSettings, SpineApp
from greeter.session.scan import Snapshot
from tests.session.conftest import ALICE, spine_app


def rule_for(cmdline: list[str]) -> SpineApp:
    return SpineApp(
        "too broad", None, re.compile(re.escape(" ".join(cmdline))), None, signal.SIGTERM, 1.0
    )


def test_rules_never_match_the_greeter_or_its_ancestors():
    me = psutil.Process()
    rules = [rule_for(me.cmdline()), *(rule_for(p.cmdline()) for p in me.parents() if p.cmdline())]
    protected = {me.pid, *(p.pid for p in me.parents())}
    # (the same command lines may be other processes on this machine: those may match)
    instances = Snapshot.take().spine_instances(rules)
    matched = {seen.pid for i in instances for seen in (i.root, *i.members)}
    assert not matched & protected


def test_a_matching_child_of_the_greeter_is_matched(programs, bystanders):
    # the check above is only worth something if the same kind of rule does match a stranger
    proc = subprocess.Popen(programs.app_command("portal"))
    bystanders.append(proc)
    programs.ready("portal")
    (instance,) = Snapshot.take().spine_instances([spine_app(programs, "portal")])
    assert instance.root.pid == proc.pid


@pytest.mark.skipif(os.geteuid() != 0, reason="starting another user's process needs root")
def test_another_users_process_is_never_touched(programs, make_runner, bystanders):
    marker = f"1000.{os.getpid()}"  # a command line no other test's process has
    other = subprocess.Popen(["sleep", marker], user=65534, group=65534)
    bystanders.append(other)
    rule = SpineApp("other", None, re.compile(rf"^sleep {re.escape(marker)}$"), None,
                    signal.SIGTERM, 1.0)  # fmt: skip
    runner = make_runner(
        SessionSettings(commands=(programs.app_command("session"),), spine_apps=(rule,))
    )
    runner.start(ALICE)
    programs.ready("session")
    mine = subprocess.Popen(["sleep", marker])  # the same command as the greeter's user: closed
    bystanders.append(mine)

    report = runner.end()

    assert [app.kind for app in report.apps] == ["spine_app", "session"]
    assert report.apps[0].pid == mine.pid
    assert mine.wait(timeout=5) == -signal.SIGTERM
    assert other.poll() is None
