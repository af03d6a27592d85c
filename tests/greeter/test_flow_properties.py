"""Any sequence of events leaves the flow in a state the screen can show, without secrets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from greeter.cards import ReaderStatus
from greeter.flow import samples, step, view
from greeter.flow.inputs import (
    AppsClosed,
    BackendFailed,
    BackendReplied,
    InactivityTimedOut,
    SessionExited,
    SessionStarted,
    SessionSwitched,
    Started,
    TimerFired,
)
from greeter.flow.model import (
    SCREENS,
    Cancelled,
    CardEnrollmentSubmitted,
    LockRequested,
    NewPinSubmitted,
    NoticesAcknowledged,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
    RetryRequested,
    RoleChosen,
)
from greeter.flow.samples import FlowDriver

SECRET = "80808080"

replies = st.sampled_from(
    [
        samples.ok(),
        samples.ok("bob"),
        samples.ok(roles=(samples.CLINICAL, samples.ADMIN), role=None),
        samples.ok(notices=(samples.VSC_EXPIRING,)),
        samples.need_pin(),
        samples.need_pin("bob"),
        samples.need_password(),
        samples.unknown_card(True),
        samples.unknown_card(False),
        samples.enroll(),
        samples.bad_pin(),
        samples.bad_password(),
        samples.pin_rules_refused(),
        samples.locked(),
        samples.denied(),
        samples.kiosk_info(),
    ]
)
plain_events = st.sampled_from(
    [
        samples.tap(samples.ALICE_CARD),
        samples.tap(samples.BOB_CARD, kind="contact"),
        samples.tap(samples.BOB_CARD, kind="contact", action="removed"),
        samples.tap(samples.NEW_CARD),
        ReaderStatus("pcsc", "down", (), "pcscd is down"),
        Started(),
        PinEntered(SECRET),
        PasswordLoginRequested(),
        PasswordSubmitted("bob", SECRET, "DEMO"),
        CardEnrollmentSubmitted("carol", SECRET, "DEMO"),
        NewPinSubmitted(SECRET, SECRET),
        NewPinSubmitted(SECRET, "1"),
        RoleChosen("R8001"),
        NoticesAcknowledged(),
        Cancelled(),
        RetryRequested(),
        LockRequested(),
        SessionStarted(samples.session()),
        SessionStarted(samples.session("bob")),
        SessionSwitched(samples.session(), samples.session("bob"), AppsClosed("alice", 1, 0, 9)),
        SessionExited(samples.session(), 0),
        SessionExited(samples.session(), 3, AppsClosed("alice", 1, 1, 9)),
        InactivityTimedOut(),
        *(TimerFired(name) for name in ("busy", "call", "entry", "error", "kiosk")),
    ]
)


@st.composite
def answers(draw):
    call_id = draw(st.integers(min_value=1, max_value=12))
    if draw(st.booleans()):
        return BackendReplied(call_id, draw(replies))
    kind = draw(st.sampled_from(["unreachable", "timeout", "bad_reply", "rejected"]))
    return BackendFailed(call_id, kind, "state_expired" if kind == "rejected" else "")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(plain_events, answers()), max_size=40))
def test_every_event_sequence_ends_on_a_real_screen_with_no_secret_kept(events):
    flow = FlowDriver()
    for event in events:
        flow.state, _ = step(flow.state, event)
        shown = view(flow.state)
        assert shown.screen in SCREENS
        assert SECRET not in repr(flow.state)
        if shown.screen == "error":
            assert shown.error_key
        if flow.state.call == 0:
            assert not shown.busy or shown.screen == "session"
