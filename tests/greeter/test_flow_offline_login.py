"""Offline login in the flow, as a table of events: what the screen shows and what the shell is
asked to do (cache, look up, check, queue), with no disk and no clock."""

from __future__ import annotations

from dataclasses import replace

from greeter.flow import samples
from greeter.flow.cached import CachedUser
from greeter.flow.effects import (
    CacheOfflineLogin,
    CheckOfflineLogin,
    QueueOfflineEvent,
    StartSession,
    UnlockScreen,
)
from greeter.flow.inputs import OfflineLoginChecked, SessionStarted
from greeter.flow.model import Cancelled, LockRequested, PinEntered
from greeter.flow.samples import FlowDriver
from greeter.flow.wire import OfflineGrant

ALICE = CachedUser("alice", "DEMO", "Alice Example")


def offline_driver(verdict: str = "usable", left: int = 5) -> FlowDriver:
    flow = FlowDriver()
    flow.cached[samples.ALICE_CARD] = (verdict, ALICE, left)  # type: ignore[assignment]
    return flow


def tap_offline(flow: FlowDriver, card: str = samples.ALICE_CARD) -> None:
    flow.send(samples.tap(card))
    flow.fail("unreachable")


def checked(flow: FlowDriver, outcome: str | None, left: int = 5, verdict: str = "usable"):
    call = next(e for e in flow.effects if isinstance(e, CheckOfflineLogin))
    event = OfflineLoginChecked(call.call_id, verdict, outcome, ALICE, left, "s_offline_1")  # type: ignore[arg-type]
    return flow.send(event)


def test_a_card_and_pin_login_the_policy_allows_is_cached():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    ok = samples.ok(roles=())
    effects = flow.reply(replace(ok, offline=OfflineGrant(3600)))
    cached = [e for e in effects if isinstance(e, CacheOfflineLogin)]
    assert cached == [CacheOfflineLogin(samples.ALICE_CARD, "1234", ALICE, 3600)]
    assert "1234" not in repr(cached)
    assert samples.ALICE_CARD not in repr(cached)


def test_without_the_policys_grant_nothing_is_cached():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    effects = flow.reply(samples.ok(roles=()))
    assert not [e for e in effects if isinstance(e, CacheOfflineLogin)]


def test_a_cached_user_signs_in_offline_with_their_pin():
    flow = offline_driver()
    tap_offline(flow)
    assert flow.view.screen == "pin"
    assert flow.view.offline
    assert flow.view.user_display_name == "Alice Example"
    assert flow.view.attempts_left == 5
    flow.send(PinEntered("1234"))
    assert any(isinstance(e, CheckOfflineLogin) for e in flow.effects)
    effects = checked(flow, "login")
    started = [e for e in effects if isinstance(e, StartSession)]
    assert len(started) == 1
    session = started[0].session
    assert (session.id, session.user.username, session.method) == (
        "s_offline_1",
        "alice",
        "offline_card_pin",
    )
    assert QueueOfflineEvent("login", "alice") in effects
    flow.send(SessionStarted(session))
    assert flow.view.screen == "session"


def test_a_wrong_pin_asks_again_with_the_attempts_left_then_locks():
    flow = offline_driver()
    tap_offline(flow)
    flow.send(PinEntered("0000"))
    effects = checked(flow, "bad_pin", left=4)
    assert (flow.view.screen, flow.view.error_key, flow.view.attempts_left) == ("pin", "bad_pin", 4)
    assert QueueOfflineEvent("bad_pin", "alice") in effects
    flow.send(PinEntered("0000"))
    effects = checked(flow, "locked", left=0)
    assert (flow.view.screen, flow.view.error_key) == ("error", "offline_login_locked")
    assert QueueOfflineEvent("locked", "alice") in effects


def test_anyone_not_cached_hears_the_kiosk_is_offline_for_recent_users_only():
    flow = offline_driver()
    flow.cached[samples.BOB_CARD] = ("none", None, 0)
    tap_offline(flow, samples.BOB_CARD)
    assert (flow.view.screen, flow.view.error_key) == ("error", "offline_recent_only")
    assert flow.view.can_retry
    assert QueueOfflineEvent("refused", "") in flow.effects


def test_an_entry_past_its_window_or_locked_is_refused():
    flow = offline_driver("expired")
    tap_offline(flow)
    assert flow.view.error_key == "offline_recent_only"
    assert QueueOfflineEvent("refused", "alice") in flow.effects
    flow = offline_driver("locked", left=0)
    tap_offline(flow)
    assert flow.view.error_key == "offline_login_locked"


def test_a_kiosk_where_nobody_is_cached_shows_the_plain_error_and_queues_nothing():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    effects = flow.fail("timeout")
    assert flow.view.error_key == "timeout"
    assert not [e for e in effects if isinstance(e, QueueOfflineEvent)]


def test_a_late_check_of_an_abandoned_pin_screen_is_dropped():
    flow = offline_driver()
    tap_offline(flow)
    flow.send(PinEntered("1234"))
    call = next(e for e in flow.effects if isinstance(e, CheckOfflineLogin))
    flow.send(Cancelled())
    before = flow.state
    late = OfflineLoginChecked(call.call_id, "usable", "login", ALICE, 5, "s_offline_1")
    assert flow.send(late) == []
    assert flow.state == before


def test_the_owner_of_a_session_begun_offline_unlocks_it_from_the_cache():
    flow = offline_driver()
    tap_offline(flow)
    flow.send(PinEntered("1234"))
    started = next(e for e in checked(flow, "login") if isinstance(e, StartSession))
    flow.send(SessionStarted(started.session), LockRequested())
    assert flow.view.screen == "locked"
    tap_offline(flow)
    assert (flow.view.screen, flow.view.offline) == ("pin", True)
    flow.send(PinEntered("1234"))
    effects = checked(flow, "login")
    assert any(isinstance(e, UnlockScreen) for e in effects)
    assert flow.view.screen == "session"
