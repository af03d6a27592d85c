"""Taking the step a request answers: its state token (single use) and the facts of the user it
names, and for a guess at that user's secret, the guess's slot (`appliance.attempts`); or both
as they were held for a step another instance began (`appliance.pending.Held`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from appliance import attempts, errors, facts, gate
from appliance.facts import Found
from appliance.login_end import LoginEnd
from appliance.login_tx import Tx
from appliance.pending import Held, resumed
from appliance.replies import Reply
from appliance.states import StateTokens, Step, StepName


@dataclass(frozen=True)
class StepTaking:
    states: StateTokens
    end: LoginEnd
    clock: Callable[[], dt.datetime]

    def take(
        self, tx: Tx, kiosk: str, token: str, wanted: StepName
    ) -> tuple[Step, Found, dt.datetime]:
        step, found = self.found(tx, self.states.take(tx.db, kiosk, token, wanted))
        return step, found, self.clock()

    def found(self, tx: Tx, step: Step) -> tuple[Step, Found]:
        found = None
        if step.user_id is not None:
            found = facts.by_user(tx.db, step.user_id, step.card_key, self.clock())
        if found is None:  # the user was removed meanwhile
            tx.commit()
            raise errors.state_invalid()
        return step, found

    def guess(
        self, tx: Tx, kiosk: str, token: str, wanted: StepName, held: Held | None
    ) -> tuple[Step, Found, attempts.Slot] | Reply:
        """A guess at the secret of the user a state names: the token taken and the slot
        reserved, or both as they were held for a step another instance began."""
        if held is None:
            step, found, now = self.take(tx, kiosk, token, wanted)
            slot = self._reserve(tx, kiosk, found, step, now)
            return (step, found, slot) if isinstance(slot, attempts.Slot) else slot
        step, found = self.found(tx, resumed(held, wanted))
        assert held.slot is not None
        return step, found, held.slot

    def _reserve(
        self, tx: Tx, kiosk: str, found: Found, step: Step, now: dt.datetime
    ) -> attempts.Slot | Reply:
        """Before a secret of this user is checked: the gate again (the card may have been
        revoked, the user disabled or locked since the last step), then the guess's slot."""
        card = None if step.bind_card else found.card
        refused = gate.admit(found.user, card, now) or attempts.reserve(
            tx.db, found.username, found.domain, found.user.policy, now
        )
        if not isinstance(refused, attempts.Slot):
            return self.end.render(tx, kiosk, found, step, refused, now)
        tx.commit()
        return refused
