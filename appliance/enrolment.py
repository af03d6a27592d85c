"""Enrolment at a kiosk: an unknown card bound to the user whose password (and PIN, if they have
one) its holder proves, and a PIN set by a user who owes one. Each comes back `Pending`
(`appliance.pending`); binding a card or setting a PIN proves nothing by itself (`gate`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from appliance import facts, gate
from appliance.config import Settings
from appliance.facts import Found
from appliance.hashing import make_verifier
from appliance.login_end import LoginEnd
from appliance.login_tx import Tx
from appliance.login_writes import bind_card, set_pin
from appliance.password_guess import PasswordGuesses
from appliance.pending import Held, Outcome, Pending, resumed
from appliance.policy import pin_rule_broken, pin_rule_message, pin_rules
from appliance.replies import BadFactor, Reply
from appliance.states import StateTokens, Step
from appliance.step_taking import StepTaking


@dataclass(frozen=True)
class Enrolment:
    settings: Settings
    states: StateTokens
    taking: StepTaking
    passwords: PasswordGuesses
    end: LoginEnd
    clock: Callable[[], dt.datetime]

    def enroll_card(
        self,
        tx: Tx,
        kiosk: str,
        token: str,
        username: str,
        password: str,
        domain: str,
        held: Held | None = None,
    ) -> Outcome:
        if held is None:
            step = self.states.take(tx.db, kiosk, token, "enroll_card")
        else:
            step = resumed(held, "enroll_card")

        def then(tx: Tx, found: Found, now: dt.datetime) -> Reply:
            return self._after_password(tx, kiosk, step, found, now)

        return self.passwords.guess(tx, kiosk, step, username, domain, password, held, then)

    def _after_password(
        self, tx: Tx, kiosk: str, step: Step, found: Found, now: dt.datetime
    ) -> Reply:
        """The unknown card's holder proved the password: may the card be theirs?"""
        default = facts.default_policy(tx.db)
        card_key = step.card_key
        assert card_key is not None
        taken = facts.card_bound(tx.db, card_key)
        decision = gate.on_card_enrollment(found.user, default.self_enrollment, taken, now)
        step = replace(step, user_id=found.user.id, proven=frozenset({"password"}))
        if isinstance(decision, gate.HoldForApproval):
            bind_card(tx, kiosk, found, card_key, self.settings.keys.current_id, now, pending=True)
            return self.end.render(tx, kiosk, found, step, gate.Denied("card_pending"), now)
        if isinstance(decision, gate.Denied):
            tx.note("enroll_refused", at=now, kiosk=kiosk, username=found.username)
        return self.end.render(tx, kiosk, found, step, decision, now)

    def enroll_pin(
        self, tx: Tx, kiosk: str, token: str, value: str, held: Held | None = None
    ) -> Outcome:
        if held is None:
            step, found, now = self.taking.take(tx, kiosk, token, "enroll_pin")
            refused = gate.admit(found.user, None if step.bind_card else found.card, now)
            if refused is not None:
                return self.end.render(tx, kiosk, found, step, refused, now)
            rules = pin_rules(found.row)
            broken = pin_rule_broken(rules, value, self.settings.common_pins)
            if broken is not None:
                issued = self.states.issue(tx.db, kiosk, step, found.user.policy.entry_timeout)
                tx.commit()
                message = pin_rule_message(broken, rules)
                return BadFactor(
                    reason="pin_rules", need=["pin"], rule=broken, message=message, **issued
                )
            tx.commit()
        else:  # the rules were passed before the step was held; the gate is asked at its end
            step, found = self.taking.found(tx, resumed(held, "enroll_pin"))

        def finish(tx: Tx, verifier: str) -> Reply:
            now = self.clock()
            set_pin(tx, found, verifier, now)
            tx.note("pin_enrolled", at=now, kiosk=kiosk, username=found.username)
            with_pin = found._replace(user=replace(found.user, has_pin=True))
            return self.end.proven(tx, kiosk, step, with_pin, step.proven, now)

        def made() -> str:
            return make_verifier(value, self.settings.hash_cost, self.settings.keys)

        return Pending(made, finish, held=Held(step, None, found.username))
