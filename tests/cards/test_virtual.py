"""Virtual taps over the local socket: the demo, `greeter tap`, and the session's lock."""

import socket
import stat
import threading
import time

import pytest

from greeter.cards.virtual import (
    VirtualTapError,
    VirtualTapSource,
    default_socket_path,
    send_lock,
    send_remove,
    send_tap,
)
from tests.cards.events import Collected


@pytest.fixture
def served(tmp_path):
    path = tmp_path / "run" / "tapkiosk" / "taps.sock"
    locked = threading.Event()
    source = VirtualTapSource(path, on_lock=locked.set)
    sink = Collected()
    source.start(sink)
    yield path, sink, locked
    source.stop()


def _raw(path, payload: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(3)
        sock.connect(str(path))
        sock.sendall(payload)
        return sock.makefile("rb").readline()


def test_the_socket_is_the_owners_only(served):
    path, sink, _ = served
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sink.wait_status("ok").readers == ("virtual",)


def test_a_tap_becomes_a_contactless_card_event(served):
    path, sink, _ = served
    send_tap(path, "04a1b2c3d4e5f6")
    event = sink.wait_event("present")
    assert (event.card_id, event.source, event.kind, event.reader) == (
        "04A1B2C3D4E5F6",
        "virtual",
        "contactless",
        "virtual",
    )
    assert abs(event.mono - time.monotonic()) < 5


def test_a_contact_card_is_inserted_then_pulled(served):
    path, sink, _ = served
    send_tap(path, "11223344", kind="contact")
    assert sink.wait_event("present").kind == "contact"
    send_remove(path, "11223344")
    removed = sink.wait_event("removed")
    assert (removed.card_id, removed.kind) == ("11223344", "contact")


def test_the_lock_request_calls_the_lock_action(served):
    path, _, locked = served
    send_lock(path)
    assert locked.wait(2)


def test_garbage_lines_are_answered_and_never_stop_the_server(served, caplog):
    path, sink, _ = served
    for garbage in [b"hello\n", b"[1,2]\n", b'{"tap": 7}\n', b'{"tap": "zz"}\n', b"\xff\xfe\n"]:
        assert b'"ok": false' in _raw(path, garbage)
    assert b'"ok": false' in _raw(path, b"x" * 10000)  # no newline, too long
    with socket.socket(socket.AF_UNIX) as sock:  # a client that connects and vanishes
        sock.connect(str(path))
    send_tap(path, "04A1B2C3")
    assert sink.wait_event("present").card_id == "04A1B2C3"
    assert len(sink.events) == 1
    assert "ignored a virtual tap line" in caplog.text


def test_a_bad_card_id_is_a_clear_client_error(served):
    path, _, _ = served
    with pytest.raises(VirtualTapError, match="hex"):
        send_tap(path, "not-a-card")


def test_sending_when_no_greeter_runs_says_so(tmp_path):
    with pytest.raises(VirtualTapError, match="greeter running"):
        send_tap(tmp_path / "nobody.sock", "04A1B2C3")


def test_a_greeter_without_lock_action_refuses_the_lock(tmp_path):
    source = VirtualTapSource(tmp_path / "t" / "taps.sock")
    source.start(Collected())
    try:
        with pytest.raises(VirtualTapError, match="no lock action"):
            send_lock(tmp_path / "t" / "taps.sock")
    finally:
        source.stop()


def test_a_stale_socket_is_replaced_and_a_live_one_is_not_stolen(tmp_path):
    path = tmp_path / "t" / "taps.sock"
    first = VirtualTapSource(path)
    first.start(Collected())
    second_sink = Collected()
    second = VirtualTapSource(path)
    second.start(second_sink)
    assert "already listening" in second_sink.wait_status("down").message
    first.stop()
    assert not path.exists()  # removed on stop
    path.parent.mkdir(exist_ok=True)
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(str(path))  # left behind by a greeter that died
    third_sink = Collected()
    third = VirtualTapSource(path)
    third.start(third_sink)
    try:
        third_sink.wait_status("ok")
        send_tap(path, "04A1B2C3")
        third_sink.wait_event("present")
    finally:
        third.stop()


def test_stop_is_prompt(tmp_path):
    source = VirtualTapSource(tmp_path / "t" / "taps.sock")
    source.start(Collected())
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 1.0


def test_the_default_socket_lives_in_the_users_runtime_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert default_socket_path() == tmp_path / "tapkiosk" / "taps.sock"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    fallback = default_socket_path()
    assert fallback.name == "taps.sock"
    assert str(fallback.parent).endswith(("tapkiosk", f"tapkiosk-{__import__('os').getuid()}"))
