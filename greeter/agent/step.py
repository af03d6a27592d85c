"""`step(state, event) -> (state', effects)`: every decision of the in-session agent.

Pure: no Qt, no I/O, no clock. Which page shows, which call goes to the appliance, which
sentence the user reads (a key from MESSAGES; the QML words it). An event that does not fit the
current page, or a reply to a call no longer awaited, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from greeter.agent.model import (
    AgentCall,
    AgentEffect,
    AgentEvent,
    AgentSession,
    AgentState,
    AgentView,
    AssignAsked,
    AssignVsc,
    AuthenticateWithCard,
    AuthenticateWithVsc,
    AuthPurpose,
    Back,
    CallKind,
    CardFailed,
    Chosen,
    Dismissed,
    Done,
    FetchTicket,
    FindUsers,
    ListVscs,
    Lock,
    LogOut,
    Opened,
    Page,
    PasscodeSubmitted,
    Refused,
    ResetSpine,
    ResetSubmitted,
    RolePicked,
    RolePurpose,
    SearchSubmitted,
    SessionSeen,
    SetRole,
    SpineAnswered,
    Unanswered,
    UserPicked,
    UsersFound,
    VscAssigned,
    VscPicked,
    VscsFound,
)
from greeter.flow.model import Role

Result = tuple[AgentState, list[AgentEffect]]

# every sentence the agent can show, as the key the QML words (qml/agent/Messages.qml)
MESSAGES = (
    # the Spine smartcard (greeter.spine_signer.SpineCardProblem)
    "no_card",
    "wrong_passcode",
    "blocked",
    "removed",
    "unreadable",
    # the appliance's Spine refusals, grouped where the user's next step is the same
    "wrong_card",
    "try_again",
    "spine_two_factor_required",
    "spine_environment",
    "broker_unreachable",
    "spine_not_set_up",
    "spine_session_ended",
    "vsc_refused",
    "admin_required",
    "rate_limited",
    # the RA routes' refusals (docs/api.md, "RA routes"), one sentence each
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
    # the agent's own
    "appliance_unreachable",
    "refused",
    "passcode_empty",
    "reset_incomplete",
    "reset_done",
    "restarted",
    "default_set",
    "assigned",
    "no_users",
    "no_vscs",
)

# the appliance's codes that share a sentence; any other known code is its own key
CODE_MESSAGES = {
    "spine_signature_invalid": "wrong_card",
    "spine_wrong_user": "wrong_card",
    "spine_challenge_invalid": "try_again",
    "spine_environment_mismatch": "spine_environment",
    "spine_environment_missing": "spine_environment",
    "ssb_unreachable": "broker_unreachable",
    "ssb_untrusted": "broker_unreachable",
    "ssb_not_configured": "spine_not_set_up",
    "spine_certificate_refused": "vsc_refused",
}

# refusals of a VSC authentication that mean "this user has no usable VSC": they use their
# Spine smartcard instead (an appliance without the VSC route answers invalid_request). Any other
# refusal is read as it is.
CARD_INSTEAD = frozenset({"vsc_unusable", "invalid_request"})

# where Back goes from each page (the menu closes)
BACK: dict[Page, Page] = {
    "menu": "collapsed",
    "passcode": "collapsed",
    "message": "collapsed",
    "roles": "menu",
    "card_role": "menu",
    "reset": "menu",
    "ra_search": "menu",
    "ra_user": "ra_search",
    "ra_vscs": "ra_user",
}


def message_for(code: str) -> str:
    """The sentence key for an appliance's refusal `code`."""
    key = CODE_MESSAGES.get(code, code)
    return key if key in MESSAGES else "refused"


def step(state: AgentState, event: AgentEvent) -> Result:
    if isinstance(event, SessionSeen):
        return on_seen(state, event)
    if state.session is None:
        return state, []
    if isinstance(event, SpineAnswered | Done | UsersFound | VscsFound | VscAssigned):
        return on_answer(state, event) if event.call_id == state.call else (state, [])
    if isinstance(event, Refused | Unanswered | CardFailed):
        return on_failure(state, event) if event.call_id == state.call else (state, [])
    if isinstance(event, Opened):
        return to(state, "menu" if state.page == "collapsed" else "collapsed"), []
    if isinstance(event, Back | Dismissed):
        return to(state, BACK.get(state.page, "collapsed")), []
    if state.call:
        return state, []  # a second submit while one runs
    return on_input(state, state.session, event)


def on_seen(state: AgentState, event: SessionSeen) -> Result:
    session = event.session
    if session is None:
        return AgentState(last_call=state.last_call), []
    if state.session is None or state.session.id != session.id:
        # a new session (a switch too): nothing of the last one's carries over
        fresh = AgentState(session=session, visible=event.visible, last_call=state.last_call)
        return call(fresh, "ticket", lambda call_id: FetchTicket(call_id, session.id))
    state = replace(state, session=session)
    if event.visible == state.visible:
        return state, []
    if not event.visible:
        # locked or covered: a form left half typed is not waiting for whoever comes next
        return to(replace(state, visible=False), "collapsed"), []
    page: Page = "passcode" if state.needs_spine and not state.call else "collapsed"
    return to(replace(state, visible=True), page), []


def on_input(state: AgentState, session: AgentSession, event: AgentEvent) -> Result:
    page = state.page
    if isinstance(event, Chosen) and page in ("menu", "card_role"):
        return on_menu(state, session, event)
    if isinstance(event, PasscodeSubmitted) and page == "passcode":
        if not event.passcode:
            return say(state, "passcode_empty"), []
        passcode, role = event.passcode, state.wanted_role
        return call(
            state, "card", lambda cid: AuthenticateWithCard(cid, session.id, passcode, role)
        )
    if isinstance(event, RolePicked) and page == "roles":
        if event.code not in {role.code for role in roles_of(state)}:
            return state, []
        if state.role_purpose == "restart":
            return begin(replace(state, wanted_role=event.code))
        default = state.role_purpose == "default"
        code = event.code
        kind: CallKind = "default" if default else "role"
        return call(state, kind, lambda cid: SetRole(cid, session.id, code, default))
    if isinstance(event, ResetSubmitted) and page == "reset":
        if not (event.username.strip() and event.password and event.domain.strip()):
            return say(state, "reset_incomplete"), []
        reset = event
        return call(
            state,
            "reset",
            lambda cid: ResetSpine(
                cid, session.id, reset.username.strip(), reset.domain.strip(), reset.password
            ),
        )
    if isinstance(event, SearchSubmitted) and page == "ra_search" and event.query.strip():
        query = event.query.strip()
        return call(state, "users", lambda cid: FindUsers(cid, session.id, query))
    if isinstance(event, UserPicked) and page == "ra_search":
        for user in state.ra_users:
            if (user.username, user.domain) == (event.username, event.domain):
                return to(replace(state, ra_user=user), "ra_user"), []
        return state, []
    if isinstance(event, AssignAsked) and page == "ra_user":
        return call(state, "vscs", lambda cid: ListVscs(cid, session.id))
    if isinstance(event, VscPicked) and page == "ra_vscs" and state.ra_user is not None:
        user = state.ra_user
        wanted = (event.cis_username, event.serial)
        chosen = next((v for v in state.ra_vscs if (v.cis_username, v.serial) == wanted), None)
        if chosen is None:
            return state, []
        vsc = chosen
        return call(state, "assign", lambda cid: AssignVsc(cid, session.id, user, vsc))
    return state, []


def on_menu(state: AgentState, session: AgentSession, event: Chosen) -> Result:
    action = event.action
    spine = state.spine
    if action == "lock":
        return to(state, "collapsed"), [Lock()]
    if action == "log_out":
        return to(state, "collapsed"), [LogOut()]
    if action == "restart":
        return authenticate(state, "restart" if live(state) else "first")
    if action == "change_role":
        if spine is None or not live(state):
            return authenticate(state, "first")
        if spine.method == "vsc":
            return to(replace(state, role_purpose="change"), "roles"), []
        # smartcard users change role by restarting: the menu says so and offers it
        return to(state, "card_role"), []
    if action == "default_role":
        return to(replace(state, role_purpose="default"), "roles"), []
    if action == "manage_vscs" and session.registration_authority:
        cleared = replace(state, ra_users=(), ra_user=None, ra_vscs=(), assigned=None)
        return to(cleared, "ra_search"), []
    if action == "reset":
        return to(state, "reset"), []
    return state, []


def authenticate(state: AgentState, purpose: AuthPurpose) -> Result:
    """A Spine authentication. A restart with several roles asks for the role first: a
    smartcard session's role changes only with a new authentication, which names it. A first
    one asks for the role the session already has (the one chosen at sign-in)."""
    state = replace(state, auth_purpose=purpose, tries_left=-1)
    if purpose == "restart" and len(roles_of(state)) > 1:
        return to(replace(state, role_purpose="restart"), "roles"), []
    return begin(replace(state, wanted_role=current_role(state)))


def begin(state: AgentState) -> Result:
    """A smartcard session authenticates again with the card; otherwise the appliance tries
    the user's VSC first, and a user without one is asked for their card."""
    session = state.session
    assert session is not None
    if state.spine is not None and state.spine.method == "card" and live(state):
        return to(state, "passcode"), []
    role = state.wanted_role
    return call(state, "vsc", lambda cid: AuthenticateWithVsc(cid, session.id, role))


Answer = SpineAnswered | Done | UsersFound | VscsFound | VscAssigned


def on_answer(state: AgentState, event: Answer) -> Result:
    kind = state.pending
    state = replace(state, call=0, pending="")
    if isinstance(event, SpineAnswered):
        spine = event.spine
        state = replace(state, spine=spine, needs_spine=not spine.ticket_until, tries_left=-1)
        if kind == "default":
            return tell(state, "default_set"), []
        if kind in ("ticket", "vsc", "card"):
            state = replace(state, wanted_role=None)
            if spine.role is None and len(spine.roles) > 1:
                # a card's ticket takes its role from an authentication; a VSC's at once
                purpose: RolePurpose = "restart" if spine.method == "card" else "session"
                return to(replace(state, role_purpose=purpose), "roles"), []
        if kind in ("vsc", "card") and state.auth_purpose == "restart":
            return tell(state, "restarted"), []
        if kind == "ticket":
            return state, []
        return to(state, "collapsed"), []
    if isinstance(event, Done):
        # reset: the Spine session is over; the next Spine use authenticates afresh
        state = replace(state, spine=None, needs_spine=True, auth_purpose="first")
        return tell(state, "reset_done"), []
    if isinstance(event, UsersFound):
        state = replace(state, ra_users=event.users, ra_user=None)
        return say(state, "" if event.users else "no_users"), []
    if isinstance(event, VscsFound):
        state = replace(state, ra_vscs=event.vscs)
        return to(say(state, "" if event.vscs else "no_vscs"), "ra_vscs", keep_message=True), []
    state = replace(state, assigned=event.vsc, ra_vscs=())
    return tell(state, "assigned"), []


def on_failure(state: AgentState, event: Refused | Unanswered | CardFailed) -> Result:
    kind = state.pending
    state = replace(state, call=0, pending="")
    if isinstance(event, CardFailed):
        tries = -1 if event.tries_left is None else event.tries_left
        failed = say(replace(state, tries_left=tries), event.problem)
        return to(failed, "passcode", keep_message=True), []
    if isinstance(event, Unanswered):
        if kind == "ticket":
            return state, []  # nothing asked of the user yet: no need to alarm them
        return at_failure(say(state, "appliance_unreachable"), kind), []
    code = event.code
    if kind == "ticket" and code == "spine_session_ended":
        return authenticate(replace(state, needs_spine=True), "first")
    if kind == "vsc" and code in CARD_INSTEAD:
        # no usable VSC: this user authenticates with their Spine smartcard
        return to(replace(state, needs_spine=True), "passcode"), []
    if kind == "role" and code == "spine_restart_required":
        return to(state, "card_role"), []
    if code == "spine_session_ended":
        state = replace(state, spine=None, needs_spine=True)
    return at_failure(say(state, message_for(code)), kind), []


def at_failure(state: AgentState, kind: CallKind) -> AgentState:
    """Where a refusal is read: on the form it came from, else on a page of its own."""
    if kind == "card":
        return to(state, "passcode", keep_message=True)
    if kind in ("reset", "users", "vscs", "assign") and state.page not in ("collapsed", "menu"):
        return state
    return to(state, "message", keep_message=True)


# --- helpers --------------------------------------------------------------------------------


def call(state: AgentState, kind: CallKind, make: Callable[[int], AgentCall]) -> Result:
    call_id = state.last_call + 1
    state = replace(state, call=call_id, last_call=call_id, pending=kind, message="")
    return state, [make(call_id)]


def to(state: AgentState, page: Page, keep_message: bool = False) -> AgentState:
    if keep_message:
        return replace(state, page=page)
    return replace(state, page=page, message="", tries_left=-1)


def tell(state: AgentState, message: str) -> AgentState:
    """The message page with `message`."""
    return replace(state, page="message", message=message)


def say(state: AgentState, message: str) -> AgentState:
    return replace(state, message=message)


def live(state: AgentState) -> bool:
    return state.spine is not None and bool(state.spine.ticket_until)


def current_role(state: AgentState) -> str | None:
    if state.spine is not None and state.spine.role:
        return state.spine.role
    return state.session.role if state.session is not None else None


def roles_of(state: AgentState) -> tuple[Role, ...]:
    if state.spine is not None and state.spine.roles:
        return state.spine.roles
    return state.session.roles if state.session is not None else ()


def view(state: AgentState) -> AgentView:
    session = state.session
    if session is None:
        return AgentView()
    spine = state.spine
    role = current_role(state) or ""
    roles = roles_of(state)
    names = {r.code: r.name for r in roles}
    return AgentView(
        shown=state.visible,
        page=state.page,
        busy=bool(state.call),
        display_name=session.display_name,
        role_name=names.get(role, role),
        role=role,
        default_role=(spine.default_role or "") if spine is not None else "",
        has_ticket=live(state),
        method=spine.method if spine is not None and live(state) else "",
        roles=roles,
        role_purpose=state.role_purpose,
        auth_purpose=state.auth_purpose,
        can_manage_vscs=session.registration_authority,
        message=state.message,
        tries_left=state.tries_left,
        ra_users=state.ra_users,
        ra_user=state.ra_user,
        ra_vscs=state.ra_vscs,
        assigned=state.assigned,
    )
