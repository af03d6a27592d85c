"""`Agent`: holds the agent's state, runs `step`, and does what it asks.

Calls to the appliance and the Spine smartcard block, so they run through `run_in_background`
(the Qt executor in the greeter, a synchronous one in unit tests); each turns its own failure
into an event, so the user reads a sentence and never a traceback. Nothing here logs a
passcode or a password: they go from their effect straight into the one call that needs them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Callable

from greeter.agent.model import (
    AgentCall,
    AgentEffect,
    AgentEvent,
    AgentState,
    AgentView,
    AssignVsc,
    AuthenticateWithCard,
    AuthenticateWithVsc,
    CardFailed,
    Done,
    FetchTicket,
    FindUsers,
    ListVscs,
    Lock,
    LogOut,
    Refused,
    ResetSpine,
    SetRole,
    SpineAnswered,
    Unanswered,
    UsersFound,
    VscAssigned,
    VscsFound,
)
from greeter.agent.step import step, view
from greeter.backend import BackendError, Rejected
from greeter.spine_client import SpineClient
from greeter.spine_signer import SpineCardError, SpineSigner
from greeter.turns import Turns, step_safely

log = logging.getLogger(__name__)

Work = Callable[[], AgentEvent]
RunInBackground = Callable[[Work], None]
ViewListener = Callable[[AgentView], None]


class Agent:
    """The agent's state and the one place its effects run; `dispatch` on the UI thread only.

    `lock` and `log_out` are the kiosk's own (its lock hotkey's request, the session's end).
    """

    def __init__(
        self,
        client: SpineClient,
        signer: SpineSigner,
        run_in_background: RunInBackground,
        *,
        lock: Callable[[], None],
        log_out: Callable[[], None],
    ) -> None:
        self.state = AgentState()
        self._view = view(self.state)
        self._client = client
        self._signer = signer
        self._run_in_background = run_in_background
        self._lock = lock
        self._log_out = log_out
        self._listeners: list[ViewListener] = []
        self._turns: Turns[AgentEvent] = Turns(self._handle)
        # (desktop session id, SHA-256 of its certificate): the smartcard whose signature won
        # that session's user their Spine ticket, which the broker checked was theirs
        self._proven_card: tuple[str, bytes] | None = None

    @property
    def view(self) -> AgentView:
        return self._view

    def subscribe(self, listener: ViewListener) -> None:
        self._listeners.append(listener)

    def dispatch(self, event: AgentEvent) -> None:
        """Handle `event`; one dispatched while another is handled waits its turn."""
        self._turns(event)

    def _handle(self, event: AgentEvent) -> None:
        stepped = step_safely(step, self.state, event)
        if stepped is None:
            return
        self.state, effects = stepped
        for effect in effects:
            self._run(effect)
        shown = view(self.state)
        if shown != self._view:
            self._view = shown
            for listener in list(self._listeners):
                listener(shown)

    def _run(self, effect: AgentEffect) -> None:
        if isinstance(effect, Lock):
            self._lock()
        elif isinstance(effect, LogOut):
            self._log_out()
        else:
            work = effect
            self._run_in_background(lambda: self._call(work))

    # --- background work ------------------------------------------------------------------

    def _call(self, effect: AgentCall) -> AgentEvent:
        call_id = effect.call_id
        try:
            return self._perform(effect)
        except SpineCardError as error:
            log.info("Spine smartcard: %s", error.problem)
            return CardFailed(call_id, error.problem, error.tries_left)
        except Rejected as error:
            log.warning("agent: %s", error)
            return Refused(call_id, error.code)
        except BackendError as error:
            log.warning("agent: %s", error)
            return Unanswered(call_id)

    def _perform(self, effect: AgentCall) -> AgentEvent:
        client, call_id = self._client, effect.call_id
        if isinstance(effect, FetchTicket):
            return SpineAnswered(call_id, client.ticket(effect.session_id))
        if isinstance(effect, AuthenticateWithVsc):
            status = client.authenticate_with_vsc(effect.session_id, effect.role or None)
            return SpineAnswered(call_id, status)
        if isinstance(effect, AuthenticateWithCard):
            return self._with_card(effect)
        if isinstance(effect, SetRole):
            if effect.default:
                return SpineAnswered(
                    call_id, client.set_default_role(effect.session_id, effect.role)
                )
            return SpineAnswered(call_id, client.choose_role(effect.session_id, effect.role))
        if isinstance(effect, ResetSpine):
            client.reset(effect.session_id, effect.username, effect.domain, effect.password)
            return Done(call_id)
        present = self._own_card_present(effect.session_id)
        if isinstance(effect, FindUsers):
            found = client.ra_users(effect.session_id, effect.query, card_present=present)
            return UsersFound(call_id, found)
        if isinstance(effect, ListVscs):
            vscs = client.ra_unassigned_vscs(effect.session_id, card_present=present)
            return VscsFound(call_id, vscs)
        assert isinstance(effect, AssignVsc)
        assigned = client.ra_assign(
            effect.session_id, effect.user, effect.vsc, card_present=present
        )
        return VscAssigned(call_id, assigned)

    def _with_card(self, effect: AuthenticateWithCard) -> AgentEvent:
        issued = self._client.challenge(effect.session_id)
        try:
            challenge = base64.b64decode(issued.challenge, validate=True)
        except (binascii.Error, ValueError):
            log.warning("agent: unable to read the Spine challenge: not base64")
            return Unanswered(effect.call_id)
        signature = self._signer.sign(effect.passcode, challenge)
        card = self._fingerprint()
        encoded = base64.b64encode(signature).decode("ascii")
        status = self._client.authenticate(
            effect.session_id, issued.challenge_id, encoded, effect.role or None
        )
        if card is not None:
            self._proven_card = (effect.session_id, card)
        return SpineAnswered(effect.call_id, status)

    def _fingerprint(self) -> bytes | None:
        try:
            return hashlib.sha256(self._signer.certificate()).digest()
        except Exception as error:  # a card that cannot say: it proves nothing for the RA
            log.warning(
                "unable to read the Spine smartcard's certificate: %s", type(error).__name__
            )
            return None

    def _own_card_present(self, session_id: str) -> bool:
        """The RA's own smartcard in a reader, the kiosk's word to the RA routes: the card in
        the reader now is the one that signed this session's Spine authentication (the broker
        checked that signature against the RA's certificate). Any other card, or an RA who has
        not authenticated to Spine with a card in this session, is no card."""
        proven = self._proven_card
        if proven is None or proven[0] != session_id:
            return False
        return self._fingerprint() == proven[1]
