"""The greeter runs with its own C allocator settings (greeter/allocator.py), and the sessions
it starts do not: they get glibc's defaults, or whatever the site itself set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from greeter.allocator import GREETER_MALLOC_TUNABLES, TUNABLES_VARIABLE
from greeter.session.launcher import session_environment
from greeter.ui.window import application
from tests.greeter.ui.test_caches import ALICE

SITE = "glibc.malloc.check=3"

pytestmark = pytest.mark.ui

# frees five 1000-byte chunks and prints how much the heap in use fell: with glibc's per-thread
# cache on, they wait in that cache (still counted in use); with it off, they go back to the heap
FREED_TO_HEAP = """
import ctypes
FIELDS = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in FIELDS.split()]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
chunks = [libc.malloc(1000) for _ in range(5)]
keep = libc.malloc(1000)  # the freed chunks do not merge into the heap's top
before = libc.mallinfo2().uordblks
for chunk in chunks:
    libc.free(chunk)
print(before - libc.mallinfo2().uordblks)
"""


def freed_to_heap(tunables: str | None) -> int:
    env = {key: value for key, value in os.environ.items() if key != TUNABLES_VARIABLE}
    if tunables is not None:
        env[TUNABLES_VARIABLE] = tunables
    run = subprocess.run(
        [sys.executable, "-c", FREED_TO_HEAP], env=env, capture_output=True, text=True, check=True
    )
    return int(run.stdout)


def test_glibc_takes_the_greeters_settings_after_a_sites_own():
    """glibc ignores a tunable it does not know without a word: a misspelt name would not."""
    assert freed_to_heap(None) == 0
    assert freed_to_heap(GREETER_MALLOC_TUNABLES) >= 5000
    assert freed_to_heap(f"{SITE}:{GREETER_MALLOC_TUNABLES}") >= 5000


def test_sessions_do_not_inherit_the_greeters_allocator_settings(qapp, monkeypatch):
    monkeypatch.setenv(TUNABLES_VARIABLE, GREETER_MALLOC_TUNABLES)
    application([])
    assert TUNABLES_VARIABLE not in os.environ
    assert TUNABLES_VARIABLE not in session_environment(ALICE, os.environ)


def test_a_sites_own_allocator_settings_reach_its_sessions(qapp, monkeypatch):
    monkeypatch.setenv(TUNABLES_VARIABLE, SITE)
    application([])
    assert session_environment(ALICE, os.environ)[TUNABLES_VARIABLE] == SITE


def test_a_sites_settings_before_the_greeters_reach_its_sessions_alone(qapp, monkeypatch):
    monkeypatch.setenv(TUNABLES_VARIABLE, f"{SITE}:{GREETER_MALLOC_TUNABLES}")
    application([])
    assert session_environment(ALICE, os.environ)[TUNABLES_VARIABLE] == SITE
