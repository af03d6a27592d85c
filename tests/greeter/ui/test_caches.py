"""The greeter keeps what Qt compiles in its own cache directory, not under the user's home
(which a thin client may wipe at every boot), and its sessions do not inherit where."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from greeter.session.launcher import SessionUser, session_environment
from greeter.ui import caches
from tests.greeter.ui.kiosk_rig import terminate, wait_for_line
from tests.greeter.ui.test_process import kiosk_config

ALICE = SessionUser("alice", "NHS", "Alice Example", None, "s-1")


@pytest.fixture
def fresh(monkeypatch, tmp_path) -> Path:
    """No package cache directory; nothing set by an earlier test in this process."""
    monkeypatch.setattr(caches, "PACKAGE_CACHE_DIR", tmp_path / "var-cache" / "greeter")
    monkeypatch.setattr(caches, "_set_here", set())
    monkeypatch.setattr(caches, "_chosen", [])
    return tmp_path


def test_the_configured_directory_wins_and_is_made(fresh):
    wanted = fresh / "site" / "greeter-cache"
    environ = {caches.CACHE_DIR_VARIABLE: str(wanted), "XDG_CACHE_HOME": str(fresh / "home")}
    assert caches.choose_cache_dir(environ) == wanted
    assert wanted.is_dir()


def test_the_packages_directory_when_it_is_there(fresh):
    caches.PACKAGE_CACHE_DIR.mkdir(parents=True)
    environ = {"XDG_CACHE_HOME": str(fresh / "home")}
    assert caches.choose_cache_dir(environ) == caches.PACKAGE_CACHE_DIR


def test_a_checkout_falls_back_to_the_users_cache(fresh):
    environ = {"XDG_CACHE_HOME": str(fresh / "home")}
    assert caches.choose_cache_dir(environ) == fresh / "home" / "tapkiosk" / "greeter"


def test_an_unusable_directory_leaves_qts_defaults_and_says_why(fresh, caplog):
    blocker = fresh / "a-file"
    blocker.write_text("")
    environ = {caches.CACHE_DIR_VARIABLE: str(blocker / "cache")}
    assert caches.use_caches(environ) is None
    assert "QML_DISK_CACHE_PATH" not in environ
    assert "unable to use" in caches_text(caplog)


def caches_text(caplog) -> str:
    return " ".join(record.getMessage() for record in caplog.records)


def test_sessions_do_not_inherit_the_greeters_cache_but_keep_the_sites(fresh):
    environ = {
        caches.CACHE_DIR_VARIABLE: str(fresh / "cache"),
        "MESA_SHADER_CACHE_DIR": "/site/mesa",
        "HOME": "/home/alice",
    }
    assert caches.use_caches(environ) == fresh / "cache"
    assert environ["QML_DISK_CACHE_PATH"] == str(fresh / "cache" / "qml")
    assert environ["MESA_SHADER_CACHE_DIR"] == "/site/mesa"  # the site's own choice stays
    session = session_environment(ALICE, environ)
    assert "QML_DISK_CACHE_PATH" not in session
    assert session["MESA_SHADER_CACHE_DIR"] == "/site/mesa"
    assert session["HOME"] == "/home/alice"


@pytest.mark.ui
@pytest.mark.slow
def test_a_greeter_process_compiles_its_qml_into_its_own_cache(tmp_path, appliance_server):
    kiosk_cache, home_cache = tmp_path / "kiosk-cache", tmp_path / "home-cache"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        caches.CACHE_DIR_VARIABLE: str(kiosk_cache),
        "XDG_CACHE_HOME": str(home_cache),
    }
    env.pop("QML_DISK_CACHE_PATH", None)
    config = kiosk_config(tmp_path, appliance_server)
    process = subprocess.Popen(
        [sys.executable, "-m", "greeter", "run", "--windowed", "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_line(tmp_path / "events.jsonl", {"event": "ready"})
    finally:
        terminate(process)
    # the idle screen's QML compiled where the kiosk keeps it, none of it under the home
    assert list((kiosk_cache / "qml").rglob("*.qmlc")), list(kiosk_cache.rglob("*"))
    assert not list(home_cache.rglob("*.qmlc"))
