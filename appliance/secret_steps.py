"""The later steps that check a secret of the user a state names: the PIN after a card, or the
card's password while the user has no PIN. Each comes back `Pending` (`appliance.pending`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from appliance import attempts, errors, gate
from appliance.directory import Directory, Proof, normal_domain, normal_username
from appliance.facts import Found
from appliance.hashing import Verdict, check_verifier
from appliance.keys import Keys
from appliance.login_end import LoginEnd
from appliance.login_tx import Tx
from appliance.login_writes import renew_password, set_pin
from appliance.password_guess import in_ldap
from appliance.pending import Held, Outcome, Pending
from appliance.replies import BadFactor, Reply
from appliance.states import StateTokens, Step
from appliance.step_taking import StepTaking


@dataclass(frozen=True)
class SecretSteps:
    keys: Keys
    directory: Directory
    states: StateTokens
    taking: StepTaking
    end: LoginEnd
    clock: Callable[[], dt.datetime]

    def pin(self, tx: Tx, kiosk: str, token: str, value: str, held: Held | None = None) -> Outcome:
        taken = self.taking.guess(tx, kiosk, token, "pin", held)
        if not isinstance(taken, tuple):
            return taken
        step, found, slot = taken
        verifier = found.row.pin_verifier
        if verifier is None:  # an administrator reset the PIN meanwhile: start again
            raise errors.state_invalid()

        def finish(tx: Tx, verdict: Verdict) -> Reply:
            if verdict.renewed:
                set_pin(tx, found, verdict.renewed, self.clock())
            return self._checked(tx, kiosk, step, found, slot, verdict.right, "pin")

        held = Held(step, slot, found.username)
        return Pending(lambda: check_verifier(value, verifier, self.keys), finish, held=held)

    def card_password(
        self,
        tx: Tx,
        kiosk: str,
        token: str,
        username: str | None,
        password: str,
        domain: str | None,
        held: Held | None = None,
    ) -> Outcome:
        taken = self.taking.guess(tx, kiosk, token, "password", held)
        if not isinstance(taken, tuple):
            return taken
        step, found, slot = taken
        # the card named its user: a password typed for another name is a wrong one
        typed = (
            normal_username(username or found.username),
            normal_domain(domain or found.domain),
        )
        same = typed == (found.username, found.domain)
        check = self.directory.checker(
            found.username, found.domain, password if same else "", found.row.password_verifier
        )

        def finish(tx: Tx, proof: Proof) -> Reply:
            renew_password(tx, found, proof)
            right = same and proof.right
            return self._checked(tx, kiosk, step, found, slot, right, "password")

        argon2 = not in_ldap(self.directory, found.domain)
        return Pending(check, finish, argon2=argon2, held=Held(step, slot, found.username))

    def _checked(
        self,
        tx: Tx,
        kiosk: str,
        step: Step,
        found: Found,
        slot: attempts.Slot,
        right: bool,
        factor: gate.Factor,
    ) -> Reply:
        """After a PIN or a card's password was checked against its reserved slot."""
        now = self.clock()
        policy = found.user.policy
        if not right:
            tx.note(f"{factor}_bad", at=now, kiosk=kiosk, username=found.username)
            locked = attempts.wrong(tx.db, slot, policy, now)
            if locked is not None:
                tx.note("lockout", at=now, kiosk=kiosk, username=found.username)
                return self.end.render(tx, kiosk, found, step, locked, now)
            issued = self.states.issue(tx.db, kiosk, step, policy.entry_timeout)
            tx.commit()
            return BadFactor(
                reason="bad_pin" if factor == "pin" else "bad_password",
                need=["pin" if factor == "pin" else "password"],
                attempts_left=max(policy.max_attempts - slot.number, 0),
                **issued,
            )
        locked = attempts.right(tx.db, slot, policy, now)
        if locked is not None:  # a lockout began while this guess was checked
            return self.end.render(tx, kiosk, found, step, locked, now)
        tx.note(f"{factor}_ok", at=now, kiosk=kiosk, username=found.username)
        return self.end.proven(tx, kiosk, step, found.unlocked(), step.proven | {factor}, now)
