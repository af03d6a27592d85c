"""The greeter runs with its own C allocator settings (greeter/allocator.py), and the sessions
it starts do not: they get glibc's defaults, or whatever the site itself set."""

from __future__ import annotations

import os

import pytest

from greeter.allocator import GREETER_MALLOC_TUNABLES, TUNABLES_VARIABLE
from greeter.session.launcher import SessionUser, session_environment
from greeter.ui.window import application

ALICE = SessionUser("alice", "NHS", "Alice Example", None, "s-1")

pytestmark = pytest.mark.ui


def test_sessions_do_not_inherit_the_greeters_allocator_settings(qapp, monkeypatch):
    monkeypatch.setenv(TUNABLES_VARIABLE, GREETER_MALLOC_TUNABLES)
    application([])
    assert TUNABLES_VARIABLE not in os.environ
    assert TUNABLES_VARIABLE not in session_environment(ALICE, os.environ)


def test_a_sites_own_allocator_settings_reach_its_sessions(qapp, monkeypatch):
    monkeypatch.setenv(TUNABLES_VARIABLE, "glibc.malloc.check=3")
    application([])
    assert session_environment(ALICE, os.environ)[TUNABLES_VARIABLE] == "glibc.malloc.check=3"
