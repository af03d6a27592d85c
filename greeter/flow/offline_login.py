"""Signing in without the appliance: a user who signed in on this kiosk with their card and
PIN, inside the offline window their policy gave that login, signs in again with the same card
and PIN, checked against the entry the kiosk cached then (`greeter.offline_cache`). Everyone
else hears the kiosk is offline and only recent users can sign in.

Used on an idle kiosk, and by the owner of a locked session who has no offline unlock in memory
(`greeter.flow.offline`; e.g. a session that itself began offline). Every offline login,
wrong PIN and refusal is queued for the appliance's audit. The rules of an entry (window,
lockout) are `greeter.flow.cached`'s; this module decides what the screen and the session do.
"""

from __future__ import annotations

from dataclasses import replace

from greeter.flow.cached import CachedUser, Outcome
from greeter.flow.common import Result, call_done, fail, rest, to_step, unlock, work
from greeter.flow.effects import (
    CacheOfflineLogin,
    CheckOfflineLogin,
    Effect,
    LookUpOfflineLogin,
    QueueOfflineEvent,
    StartSession,
    Unanswered,
)
from greeter.flow.inputs import OfflineLoginChecked, OfflineLoginFound
from greeter.flow.model import ErrorKey, PinEntered
from greeter.flow.state import CachedPinStep, Handover, Login, State
from greeter.flow.wire import AuthOk, SessionInfo, SessionUserInfo, Spine

OFFLINE_METHOD = "offline_card_pin"


def cache(login: Login, ok: AuthOk) -> list[Effect]:
    """A card + PIN login the appliance lets this kiosk cache (`ok.offline`)."""
    if login.card is None or not login.pin or ok.offline is None:
        return []
    user = ok.session.user
    cached = CachedUser(user.username, user.domain, user.display_name)
    return [CacheOfflineLogin(login.card.card_id, login.pin, cached, ok.offline.window_seconds)]


def on_unreachable(state: State, login: Login, failure: Unanswered) -> Result | None:
    """A card login got no answer from the appliance: look the card up in the offline cache,
    on an idle kiosk or for the locked session's own card. None: not a case for the cache."""
    card = login.card
    desktop = state.desktop
    if card is None:
        return None
    if desktop is not None and (
        not desktop.locked or desktop.card is None or desktop.card.card_id != card.card_id
    ):
        return None
    # a local read, answered at once: a fresh id (a late answer of the failed call is dropped)
    # but no spinner or deadline of its own
    state, effects = call_done(state)
    call_id = state.last_call + 1
    state = replace(state, call=call_id, last_call=call_id)
    return state, [*effects, LookUpOfflineLogin(call_id, card.card_id, failure)]


def on_found(state: State, login: Login, event: OfflineLoginFound) -> Result:
    if event.verdict == "usable" and event.user is not None:
        return ask_pin(state, login, CachedPinStep(event.user, event.attempts_left))
    if event.verdict == "unused":
        # nobody could sign in offline here: the plain error, nothing for the audit
        key: ErrorKey = "offline_needs_server" if state.desktop is not None else event.failure
        return fail(state, key, retry_card=login.card)
    return refuse(state, login, event.user, locked=event.verdict == "locked")


def ask_pin(state: State, login: Login, step: CachedPinStep) -> Result:
    return to_step(state, replace(login, pin=""), step)


def submit_pin(state: State, login: Login, event: PinEntered) -> Result:
    card = login.card
    if not event.pin or card is None:
        return state, []
    return work(state, lambda call_id: CheckOfflineLogin(call_id, card.card_id, event.pin))


def on_checked(
    state: State, login: Login, step: CachedPinStep, event: OfflineLoginChecked
) -> Result:
    user = event.user or step.user
    if event.outcome is None:
        return refuse(state, login, event.user, locked=event.verdict == "locked")
    if event.outcome == "bad_pin":
        state, effects = ask_pin(
            state, login, replace(step, attempts_left=event.attempts_left, error_key="bad_pin")
        )
        return state, [*effects, queued("bad_pin", user)]
    if event.outcome != "login":
        return refuse(state, login, user, locked=True, outcome=event.outcome)
    state, effects = sign_in(state, login, user, event.session_id)
    return state, [*effects, queued("login", user)]


def sign_in(state: State, login: Login, user: CachedUser, session_id: str) -> Result:
    """A right PIN: the owner's locked session opens, or a new session starts."""
    desktop = state.desktop
    if desktop is not None:
        if desktop.username != user.username:
            return fail(state, "offline_owner_only", retry_card=login.card)
        return unlock(state, login.card, offline=True)
    session = SessionInfo(
        id=session_id,
        method=OFFLINE_METHOD,
        user=SessionUserInfo(user.username, user.domain, user.display_name, False),
        spine=Spine("", (), None),
    )
    state, effects = rest(state)
    state = replace(state, phase=Handover(session, login.card, switching=False))
    return state, [*effects, StartSession(session)]


def refuse(
    state: State,
    login: Login,
    user: CachedUser | None,
    *,
    locked: bool,
    outcome: Outcome = "refused",
) -> Result:
    """No offline login for this card (`locked`: too many wrong PINs): queued for the audit as
    `outcome`, and said on the screen."""
    key: ErrorKey = "offline_recent_only"
    if locked:
        key = "offline_login_locked"
    elif state.desktop is not None:
        key = "offline_needs_server"  # the locked session's owner, with no usable entry
    state, effects = fail(state, key, retry_card=login.card)
    return state, [*effects, queued(outcome, user)]


def queued(outcome: Outcome, user: CachedUser | None) -> QueueOfflineEvent:
    return QueueOfflineEvent(outcome, user.username if user is not None else "")
