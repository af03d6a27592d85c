"""The Spine idle period (`[spine] idle_seconds`): the rule as a table, and end to end -- a real
X server (Xvfb) with real input (xdotool), the appliance over HTTPS with the simulated SSB: a
user who stops touching the kiosk loses their Spine session, not their desktop."""

from __future__ import annotations

import threading
import time

import pytest

from greeter.backend import Rejected
from greeter.spine_client import SpineClient
from greeter.spine_idle import Decision, decide
from greeter.ticketapi.client import request_ticket
from tests.greeter.spine_rig import first_spine_authentication, kiosk_with_session, session_socket
from tests.greeter.test_app import sign_in_alice
from tests.greeter.test_backend_appliance import client_for
from tests.rig.ssb import ENVIRONMENT
from tests.session.xvfb import move_pointer, xvfb

LIMIT = 36000.0
NOW = 100000.0


@pytest.mark.parametrize(
    ("limit", "session", "idle", "ended", "expected"),
    [
        # nobody signed in, or the period off: nothing to look at until that changes
        (LIMIT, None, 50000.0, None, Decision(False, None)),
        (0.0, "s1", 50000.0, None, Decision(False, None)),
        # quiet for less than the period: look again when it would run out
        (LIMIT, "s1", 35000.0, None, Decision(False, 1000.0)),
        # the period ran out: end it
        (LIMIT, "s1", LIMIT, None, Decision(True, LIMIT)),
        (LIMIT, "s1", LIMIT + 5, ("s0", NOW - LIMIT - 5), Decision(True, LIMIT)),
        # once per stretch without input...
        (LIMIT, "s1", LIMIT + 60, ("s1", NOW - LIMIT - 60.2), Decision(False, LIMIT)),
        # ...and again after new input and another whole period
        (LIMIT, "s1", LIMIT, ("s1", NOW - 3 * LIMIT), Decision(True, LIMIT)),
    ],
)
def test_the_rule(limit, session, idle, ended, expected):
    assert decide(limit, session, idle, NOW, ended) == expected


class Hand:
    """Moves the pointer now and then, as a user at the kiosk would, until let go."""

    def __init__(self, display: str) -> None:
        self._display = display
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._move, daemon=True)
        self.last = time.monotonic()

    def __enter__(self) -> Hand:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _move(self) -> None:
        x = 0
        while not self._stop.wait(0.2):
            x = (x + 7) % 300
            move_pointer(self._display, 10 + x, 10 + x)
            self.last = time.monotonic()


def test_no_input_for_the_idle_period_ends_the_spine_session_not_the_desktop(
    tmp_path, spine_server, ssb, ticket_runtime, monkeypatch
):
    with xvfb() as display:
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        kiosk, _, _ = kiosk_with_session(tmp_path, spine_server, "idle_seconds = 2\n")
        try:
            with Hand(display) as hand:
                sign_in_alice(kiosk)
                path = session_socket(tmp_path)
                first_spine_authentication(kiosk, spine_server, ssb)
                time.sleep(3)  # longer than the period, but she keeps using the kiosk
                assert request_ticket(path)["ok"] is True
            stopped = hand.last
            deadline = time.monotonic() + 20
            answer = request_ticket(path)
            while answer["ok"] and time.monotonic() < deadline:
                time.sleep(0.1)
                answer = request_ticket(path)
            assert time.monotonic() - stopped >= 1.9
            assert answer["error"]["code"] == "spine_session_ended"
            # ended on the appliance (the ticket revoked), her desktop runs on
            assert kiosk.state.desktop is not None
            assert kiosk.view.screen == "session"
            spine = SpineClient(client_for(spine_server), ENVIRONMENT)
            with pytest.raises(Rejected) as ended:
                spine.ticket(kiosk.state.desktop.session.id)
            assert ended.value.code == "spine_session_ended"
            spine.backend.close()
        finally:
            kiosk.close()
