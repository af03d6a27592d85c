"""The agent's decisions, as tables of events: no Qt, no appliance, no card."""

from __future__ import annotations

from dataclasses import replace

import pytest

from greeter.agent.model import (
    AgentSession,
    AgentState,
    AssignAsked,
    AssignVsc,
    AuthenticateWithCard,
    AuthenticateWithVsc,
    Back,
    CardFailed,
    Chosen,
    Done,
    FetchTicket,
    FindUsers,
    ListVscs,
    Lock,
    LogOut,
    Opened,
    PasscodeSubmitted,
    Refused,
    ResetSpine,
    ResetSubmitted,
    RolePicked,
    SearchSubmitted,
    SessionSeen,
    SetRole,
    SpineAnswered,
    Unanswered,
    UserPicked,
    UsersFound,
    VscPicked,
    VscsFound,
)
from greeter.agent.step import MESSAGES, message_for, step, view
from greeter.flow.model import Role
from greeter.spine_client import RaUser, SpineStatus, Vsc

ROLES = (Role("R8000", "Clinical"), Role("R8008", "Admin"))
ALICE = AgentSession("s_1", "alice", "Alice Adams", False, ROLES, "R8000")
RAVI = AgentSession("s_2", "ravi", "Ravi Rao", True, (Role("R1990", "RA"),), "R1990")
BOB = RaUser("bob", "DEMO", "Bob Brown", False, None)
VSC = Vsc("VSC-10", "555000000010", "unassigned", None, "2027-06-01T00:00:00Z", 200)


def spine(method: str = "card", role: str | None = "R8000", live: bool = True) -> SpineStatus:
    until = "2026-11-30T20:00:00Z" if live else ""
    return SpineStatus("development", until, ROLES, role, None, method)


def run(state: AgentState, *events: object) -> tuple[AgentState, list[object]]:
    effects: list[object] = []
    for event in events:
        state, more = step(state, event)  # type: ignore[arg-type]
        effects.extend(more)
    return state, effects


def signed_in(session: AgentSession = ALICE) -> AgentState:
    state, effects = run(AgentState(), SessionSeen(session, True))
    assert effects == [FetchTicket(1, session.id)]
    return state


def test_a_session_with_no_ticket_tries_the_vsc_then_asks_for_the_card() -> None:
    state, effects = run(signed_in(), Refused(1, "spine_session_ended"))
    # in the role she chose at sign-in
    assert effects == [AuthenticateWithVsc(2, "s_1", "R8000")]
    state, effects = run(state, Refused(2, "vsc_unusable"))
    assert (state.page, effects) == ("passcode", [])
    state, effects = run(state, PasscodeSubmitted("1357"))
    assert effects == [AuthenticateWithCard(3, "s_1", "1357", "R8000")]
    assert "1357" not in repr(effects)
    assert view(state).busy


def test_a_vsc_user_never_sees_the_passcode_page() -> None:
    state, _ = run(signed_in(), Refused(1, "spine_session_ended"))
    state, effects = run(state, SpineAnswered(2, spine("vsc")))
    assert (state.page, effects) == ("collapsed", [])
    assert view(state).method == "vsc"


@pytest.mark.parametrize("code", ["spine_certificate_refused", "ssb_unreachable"])
def test_a_vsc_refusal_not_about_having_one_is_read_not_turned_into_a_card_prompt(
    code: str,
) -> None:
    state, _ = run(signed_in(), Refused(1, "spine_session_ended"), Refused(2, code))
    assert state.page == "message"
    assert state.message == message_for(code)


def test_several_roles_and_none_current_after_authentication_shows_the_roles() -> None:
    # a VSC's ticket changes role at once
    state, _ = run(signed_in(), Refused(1, "spine_session_ended"))
    state, _ = run(state, SpineAnswered(2, spine("vsc", role=None)))
    assert (state.page, state.role_purpose) == ("roles", "session")
    state, effects = run(state, RolePicked("R9999"))
    assert effects == []  # not one of hers
    state, effects = run(state, RolePicked("R8008"))
    assert effects == [SetRole(3, "s_1", "R8008", False)]
    # a card's takes it from an authentication that names it: the passcode again
    state, _ = run(signed_in(), Refused(1, "spine_session_ended"), Refused(2, "vsc_unusable"))
    state, _ = run(state, PasscodeSubmitted("1357"), SpineAnswered(3, spine("card", role=None)))
    assert (state.page, state.role_purpose) == ("roles", "restart")
    state, effects = run(state, RolePicked("R8008"))
    assert (state.page, effects) == ("passcode", [])
    _, effects = run(state, PasscodeSubmitted("1357"))
    assert effects == [AuthenticateWithCard(4, "s_1", "1357", "R8008")]


def test_card_problems_stay_on_the_passcode_page_with_their_sentence() -> None:
    state, _ = run(signed_in(), Refused(1, "spine_session_ended"), Refused(2, "vsc_unusable"))
    state, _ = run(state, PasscodeSubmitted("0000"), CardFailed(3, "wrong_passcode", 2))
    assert (state.page, state.message, state.tries_left) == ("passcode", "wrong_passcode", 2)
    state, _ = run(state, PasscodeSubmitted("0000"), Refused(4, "spine_signature_invalid"))
    assert (state.page, state.message) == ("passcode", "wrong_card")
    state, _ = run(state, PasscodeSubmitted("0000"), Unanswered(5))
    assert (state.page, state.message) == ("passcode", "appliance_unreachable")
    state, effects = run(state, PasscodeSubmitted(""))
    assert (effects, state.message) == ([], "passcode_empty")


def test_change_role_by_how_the_ticket_was_won() -> None:
    vsc, _ = run(signed_in(), SpineAnswered(1, spine("vsc")), Opened(), Chosen("change_role"))
    assert (vsc.page, vsc.role_purpose) == ("roles", "change")
    _, effects = run(vsc, RolePicked("R8008"))
    assert effects == [SetRole(2, "s_1", "R8008", False)]

    card, _ = run(signed_in(), SpineAnswered(1, spine("card")), Opened(), Chosen("change_role"))
    assert card.page == "card_role"
    card, effects = run(card, Chosen("restart"))
    # a card session restarts with the card, in the role picked first
    assert (card.page, card.role_purpose, effects) == ("roles", "restart", [])
    card, effects = run(card, RolePicked("R8008"))
    assert (card.page, card.auth_purpose, effects) == ("passcode", "restart", [])
    card, effects = run(card, PasscodeSubmitted("1357"))
    assert effects == [AuthenticateWithCard(2, "s_1", "1357", "R8008")]
    card, _ = run(card, SpineAnswered(2, spine("card", role="R8008")))
    assert (card.page, card.message, view(card).role) == ("message", "restarted", "R8008")
    # a VSC session restarts with its VSC, in the role picked
    _, effects = run(vsc, Back(), Chosen("restart"), RolePicked("R8000"))
    assert effects == [AuthenticateWithVsc(2, "s_1", "R8000")]


def test_a_refused_role_change_on_a_card_session_offers_the_restart() -> None:
    state, _ = run(signed_in(), SpineAnswered(1, spine("vsc")), Opened(), Chosen("change_role"))
    state, _ = run(state, RolePicked("R8008"), Refused(2, "spine_restart_required"))
    assert state.page == "card_role"


def test_default_role_reset_lock_and_log_out() -> None:
    state, _ = run(signed_in(), SpineAnswered(1, spine()), Opened(), Chosen("default_role"))
    state, effects = run(state, RolePicked("R8008"))
    assert effects == [SetRole(2, "s_1", "R8008", True)]
    state, _ = run(state, SpineAnswered(2, spine()))
    assert (state.page, state.message) == ("message", "default_set")

    state, _ = run(state, Back(), Opened(), Chosen("reset"), ResetSubmitted("", "x", "DEMO"))
    assert (state.page, state.message) == ("reset", "reset_incomplete")
    state, effects = run(state, ResetSubmitted("ravi", "pw", " "))
    assert (effects, state.message) == ([], "reset_incomplete")
    state, effects = run(state, ResetSubmitted(" ravi ", "pw", "DEMO"))
    assert effects == [ResetSpine(3, "s_1", "ravi", "DEMO", "pw")]
    assert "pw" not in repr(effects[0]).replace("password", "")
    state, _ = run(state, Refused(3, "admin_required"))
    assert (state.page, state.message) == ("reset", "admin_required")
    state, _ = run(state, ResetSubmitted("ravi", "pw", "DEMO"), Done(4))
    assert (state.page, state.message, state.spine) == ("message", "reset_done", None)
    assert not view(state).has_ticket

    _, effects = run(state, Back(), Opened(), Chosen("lock"))
    assert effects == [Lock()]
    _, effects = run(state, Back(), Opened(), Chosen("log_out"))
    assert effects == [LogOut()]


def test_locking_closes_forms_and_a_new_session_starts_afresh() -> None:
    state, _ = run(signed_in(), SpineAnswered(1, spine()), Opened(), Chosen("reset"))
    state, _ = run(state, SessionSeen(ALICE, False))
    assert (state.page, view(state).shown) == ("collapsed", False)
    state, effects = run(state, SessionSeen(RAVI, True))
    # another user's session: nothing of alice's, a fresh ticket check, no stale call ids
    assert effects == [FetchTicket(2, "s_2")]
    assert state.spine is None
    state, _ = run(state, SpineAnswered(1, spine()))
    assert state.spine is None
    state, _ = run(state, SessionSeen(None, False))
    assert view(state).shown is False


def test_a_late_reply_to_an_abandoned_call_changes_nothing() -> None:
    state, _ = run(signed_in(), SpineAnswered(1, spine()), Opened(), Chosen("default_role"))
    state, _ = run(state, RolePicked("R8008"))
    before = state
    state, _ = run(state, SpineAnswered(99, spine(role="R8008")))
    assert state == before


def test_only_an_ra_manages_vscs_and_the_assignment_walks_its_pages() -> None:
    alice, _ = run(signed_in(), SpineAnswered(1, spine()), Opened(), Chosen("manage_vscs"))
    assert alice.page == "menu"
    state, _ = run(signed_in(RAVI), Unanswered(1), Opened(), Chosen("manage_vscs"))
    assert state.page == "ra_search"
    state, effects = run(state, SearchSubmitted("  bob "))
    assert effects == [FindUsers(2, "s_2", "bob")]
    state, _ = run(state, UsersFound(2, (BOB,)), UserPicked("bob", "DEMO"))
    assert state.page == "ra_user"
    state, effects = run(state, AssignAsked())
    assert effects == [ListVscs(3, "s_2")]
    state, _ = run(state, VscsFound(3, (VSC,)))
    assert state.page == "ra_vscs"
    state, effects = run(state, VscPicked("555000000010", "VSC-OTHER"))
    assert effects == []  # the serial and CIS username must both match
    state, effects = run(state, VscPicked("555000000010", "VSC-10"))
    assert effects == [AssignVsc(4, "s_2", BOB, VSC)]
    state, _ = run(state, Refused(4, "vsc_not_found"))
    assert (state.page, state.message) == ("ra_vscs", "vsc_not_found")
    state, _ = run(state, Back(), Back(), SearchSubmitted("zed"), UsersFound(5, ()))
    assert (state.page, state.message) == ("ra_search", "no_users")


@pytest.mark.parametrize(
    "code",
    [
        "ra_card_absent",
        "not_an_ra",
        "user_not_found",
        "self_assignment",
        "target_is_ra",
        "vsc_not_found",
        "vsc_revoked",
        "vsc_expired",
        "vsc_assigned",
        "user_has_vsc",
    ],
)
def test_each_ra_refusal_has_its_own_sentence(code: str) -> None:
    assert message_for(code) == code


def test_an_unknown_code_reads_as_a_plain_refusal() -> None:
    assert message_for("something_new") == "refused"
    assert set(MESSAGES) >= {message_for(code) for code in ("ssb_untrusted", "spine_wrong_user")}


def test_the_view_shows_the_role_name_or_the_users_name() -> None:
    state = signed_in()
    assert view(state).role_name == "Clinical"
    state = replace(state, session=replace(ALICE, role=None))
    assert (view(state).role_name, view(state).display_name) == ("", "Alice Adams")
