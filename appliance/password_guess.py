"""A password for a name typed at the kiosk: a first factor, or the proof of an unknown card's
holder before it is bound. Counted against that name whether or not it exists here, and
answered the same; what follows a right one is the caller's (`then`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from appliance import attempts, errors, facts, gate
from appliance.directory import Directory, Proof, normal_domain, normal_username
from appliance.facts import Found
from appliance.login_tx import Tx
from appliance.login_writes import renew_password
from appliance.pending import Held, Outcome, Pending
from appliance.replies import BadFactor, Locked, Reply
from appliance.spine import iso
from appliance.states import StateTokens, Step

# what follows a right password: the proven user's facts, read now
Then = Callable[[Tx, Found, dt.datetime], Reply]


def _locked(tx: Tx, kiosk: str, username: str, lock: gate.Locked, now: dt.datetime) -> Reply:
    """The name is locked out: refused before its password is checked, or once checked when a
    lockout began meanwhile; the same reply either way, and it confirms no name."""
    tx.note("refused_locked", at=now, kiosk=kiosk, username=username)
    tx.commit()
    return Locked(until=iso(lock.until))


def in_ldap(directory: Directory, domain: str) -> bool:
    """Whether the domain's passwords are checked by an LDAP bind (no Argon2id here)."""
    return normal_domain(domain) in directory.ldap


@dataclass(frozen=True)
class PasswordGuesses:
    directory: Directory
    states: StateTokens
    clock: Callable[[], dt.datetime]

    def guess(
        self,
        tx: Tx,
        kiosk: str,
        step: Step,
        username: str,
        domain: str,
        password: str,
        held: Held | None,
        then: Then,
    ) -> Outcome:
        now = self.clock()
        username, domain = normal_username(username), normal_domain(domain)
        found = facts.by_name(tx.db, username, domain, now)
        policy = found.user.policy if found else facts.default_policy(tx.db)
        if held is not None and held.slot is not None:
            slot: attempts.Slot | gate.Locked = held.slot
        else:
            slot = attempts.reserve(tx.db, username, domain, policy, now)
        if isinstance(slot, gate.Locked):
            return _locked(tx, kiosk, username, slot, now)
        if (slot.username, slot.domain) != (username, domain):
            raise errors.invalid_request("X-Step-Id names a step for another name.")
        tx.commit()
        verifier = found.row.password_verifier if found else None
        check = self.directory.checker(username, domain, password, verifier)

        def finish(tx: Tx, proof: Proof) -> Reply:
            now = self.clock()
            if not proof.right:
                return self._wrong(tx, kiosk, step, slot, policy, now)
            locked = attempts.right(tx.db, slot, policy, now)
            if locked is not None:  # a lockout began while this guess was checked
                return _locked(tx, kiosk, username, locked, now)
            proven = found
            if proven is None and proof.entry is not None:
                self.directory.add_entry(tx.db, proof.entry)
                proven = facts.by_name(tx.db, username, domain, now)
            if proven is None:  # removed while the password was checked
                tx.commit()
                return BadFactor(reason="bad_password", need=["password"])
            renew_password(tx, proven, proof)
            tx.note("password_ok", at=now, kiosk=kiosk, username=username)
            return then(tx, proven, now)

        held = Held(step, slot, username)
        return Pending(check, finish, argon2=not in_ldap(self.directory, domain), held=held)

    def _wrong(
        self,
        tx: Tx,
        kiosk: str,
        step: Step,
        slot: attempts.Slot,
        policy: gate.PolicyFacts,
        now: dt.datetime,
    ) -> Reply:
        tx.note("password_bad", at=now, kiosk=kiosk, username=slot.username, card_key=step.card_key)
        locked = attempts.wrong(tx.db, slot, policy, now)
        if locked is not None:
            tx.note("lockout", at=now, kiosk=kiosk, username=slot.username)
            tx.commit()
            return Locked(until=iso(locked.until))
        if not step.bind_card:  # a first factor has no state to keep: the kiosk asks again
            tx.commit()
            return BadFactor(reason="bad_password", need=["password"])
        issued = self.states.issue(tx.db, kiosk, step, policy.entry_timeout)
        tx.commit()
        left = max(policy.max_attempts - slot.number, 0)
        return BadFactor(reason="bad_password", need=["password"], attempts_left=left, **issued)
