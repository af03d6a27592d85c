"""`POST /v1/auth`: one login walked one factor at a time (see docs/api.md).

Each reply that expects more carries a fresh single-use state token; only its SHA-256 is kept.
Argon2id checks run before the state is consumed and outside any write transaction, so a slow
hash never holds the database's write lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from appliance import errors
from appliance.audit import Auditor
from appliance.config import Settings
from appliance.db import Database, core
from appliance.directory import Directory, find_user
from appliance.hashing import check_verifier, make_verifier
from appliance.policy import allows, pin_rule_broken, pin_rules
from appliance.queries import PIN_STEP, ROLES, TAP
from appliance.refusals import Refusals, Reply, user_brief
from appliance.spine import Role, SignedIn, in_grace, ok_reply, open_session
from appliance.states import StateTokens, Step
from appliance.store import Card, PinVerifier, Policy, User


@dataclass(frozen=True)
class PinAttempt:
    """A PIN step as read before its hash, which runs outside any transaction (and, on
    SQLite, off the event loop that reads and writes)."""

    step: Step
    user: Row[*tuple[Any, ...]]  # queries.PIN_STEP
    read_at: dt.datetime
    open: bool  # neither disabled nor locked when read: a refused user's PIN is not hashed


def pin_is_right(attempt: PinAttempt, value: str) -> bool:
    return attempt.open and check_verifier(value, attempt.user.verifier)


class LoginService:
    def __init__(
        self, settings: Settings, directory: Directory, clock: Callable[[], dt.datetime]
    ) -> None:
        self.settings = settings
        self.directory = directory
        self.clock = clock
        self.audit = Auditor(settings.secret)
        self.states = StateTokens(clock)
        self.refusals = Refusals(self.audit, clock)

    # -- shared pieces ---------------------------------------------------------------------

    def _default_policy(self, db: Session) -> Policy:
        policy = db.get(Policy, "default")
        assert policy is not None, "the default policy is created by the first migration"
        return policy

    def _finish(self, db: Session, kiosk: str, user: User, method: str) -> Reply:
        """The end of a proven login: PIN enrolment first if owed, else the session."""
        policy = user.policy
        if policy.pin_enabled and db.get(PinVerifier, user.id) is None:
            reply = {
                "status": "enroll",
                "need": ["pin"],
                "pin_rules": pin_rules(policy),
                "user": user_brief(user),
            }
            reply |= self.states.issue(
                db, kiosk, "enroll_pin", policy.entry_timeout, method=method, user=user
            )
            db.commit()
            return reply
        now = self.clock()
        session = open_session(db, user.id, policy.grace_seconds, kiosk, now)
        self.audit.record(db, "login", at=now, kiosk=kiosk, username=user.username, method=method)
        db.commit()
        return ok_reply(session, user, method, now)

    # -- first factors ---------------------------------------------------------------------

    def card_continue(self, db: Database, kiosk: str, card_id: str) -> Reply | None:
        """The everyday tap (a known card asking for its PIN) in one query and two inserts,
        needing no ORM session; None for anything else (unknown card, refusals, tap-and-go),
        which `card_otherwise` handles."""
        now = self.clock()
        row = core(db).execute(TAP, {"card_id": card_id}).first()
        if row is None or row.revoked_at is not None or row.disabled:
            return None
        if row.locked_until is not None and row.locked_until.replace(tzinfo=dt.UTC) > now:
            return None
        if "card" not in row.first_factors.split(",") or not row.pin_enabled:
            return None
        if row.pin_user is None:
            return None
        if row.grace_until is not None and row.grace_until.replace(tzinfo=dt.UTC) > now:
            return None
        self.audit.record(
            db, "card_seen", at=now, kiosk=kiosk, username=row.username, card_id=card_id
        )
        reply: Reply = {
            "status": "continue",
            "need": ["pin"],
            "user": {"username": row.username, "display_name": row.display_name},
        }
        reply |= self.states.issue(
            db, kiosk, "pin", row.entry_timeout, method="card_pin", user_id=row.id, card_id=card_id
        )
        db.commit()
        return reply

    def card(self, db: Session, kiosk: str, card_id: str) -> Reply:
        quick = self.card_continue(db, kiosk, card_id)
        return quick if quick is not None else self.card_otherwise(db, kiosk, card_id)

    def card_otherwise(self, db: Session, kiosk: str, card_id: str) -> Reply:
        now = self.clock()
        card = db.scalars(select(Card).where(Card.card_id == card_id)).one_or_none()
        if card is None:
            policy = self._default_policy(db)
            self.audit.record(db, "card_unknown", at=now, kiosk=kiosk, card_id=card_id)
            if not policy.self_enrollment:
                db.commit()
                return {"status": "unknown_card", "enrollment": "disabled"}
            reply: Reply = {
                "status": "unknown_card",
                "enrollment": "allowed",
                "domains": self.domains(db),
            }
            reply |= self.states.issue(
                db, kiosk, "enroll_card", policy.entry_timeout, card_id=card_id
            )
            db.commit()
            return reply
        user = card.user
        self.audit.record(
            db, "card_seen", at=now, kiosk=kiosk, username=user.username, card_id=card_id
        )
        if card.revoked_at is not None:
            db.commit()
            return self.refusals.denied(
                db, kiosk, user, "card_revoked", "This card has been revoked."
            )
        if user.disabled:
            db.commit()
            return self.refusals.denied(
                db, kiosk, user, "user_disabled", "This account is disabled."
            )
        locked = self.refusals.locked(db, kiosk, user, now)
        if locked is not None:
            db.commit()
            return locked
        policy = user.policy
        if not allows(policy, "card"):
            db.commit()
            return self.refusals.denied(
                db, kiosk, user, "factor_not_allowed", "Your policy does not allow card login."
            )
        has_pin = db.get(PinVerifier, user.id) is not None
        owes_pin = policy.pin_enabled and not has_pin
        session = None if owes_pin else in_grace(db, user, now)
        if session is not None:
            self.audit.record(
                db, "login", at=now, kiosk=kiosk, username=user.username, method="tap_and_go"
            )
            db.commit()
            return ok_reply(session, user, "tap_and_go", now)
        # a card alone is one factor: the PIN, or the password when there is no PIN (yet)
        step = "pin" if policy.pin_enabled and has_pin else "password"
        method = "card_pin" if step == "pin" else "card_password"
        reply = {"status": "continue", "need": [step], "user": user_brief(user)}
        reply |= self.states.issue(
            db, kiosk, step, policy.entry_timeout, method=method, user=user, card_id=card_id
        )
        db.commit()
        return reply

    def password(self, db: Session, kiosk: str, username: str, password: str, domain: str) -> Reply:
        now = self.clock()
        user = self.directory.check_password(db, username, domain, password)
        if user is None:
            # A known user's wrong passwords count towards their lockout like wrong PINs do;
            # the reply stays the same as for an unknown user until the lockout itself.
            known = find_user(db, username, domain)
            if known is not None:
                locked = self.refusals.count_failure(db, known, kiosk, "password")
            else:
                self.audit.record(
                    db, "password_bad", at=now, kiosk=kiosk, username=username.lower()
                )
                locked = None
            db.commit()
            if locked is not None:
                return locked
            return {"status": "bad_factor", "reason": "bad_password", "need": ["password"]}
        gate = self.refusals.gate(db, kiosk, user, now)
        if gate is not None:
            db.commit()
            return gate
        if not allows(user.policy, "password"):
            db.commit()
            return self.refusals.denied(
                db, kiosk, user, "factor_not_allowed", "Your policy does not allow password login."
            )
        self.refusals.reset(db, user.id)
        return self._finish(db, kiosk, user, "password")

    # -- later steps -----------------------------------------------------------------------

    def pin(self, db: Session, kiosk: str, token: str, value: str) -> Reply:
        attempt = self.pin_attempt(db, kiosk, token)
        if pin_is_right(attempt, value):
            return self.pin_ok(db, kiosk, token, attempt)
        return self.pin_wrong(db, kiosk, token, attempt)

    def pin_attempt(self, db: Database, kiosk: str, token: str) -> PinAttempt:
        """Read what a PIN step needs; writes nothing (unless the state has expired)."""
        step, user = self.states.peek_joined(db, kiosk, token, "pin", PIN_STEP)
        if user.id is None or user.verifier is None:
            raise errors.state_invalid()
        now = self.clock()
        locked = user.locked_until is not None and user.locked_until > now
        return PinAttempt(step, user, now, open=not user.disabled and not locked)

    def pin_wrong(self, db: Session, kiosk: str, token: str, attempt: PinAttempt) -> Reply:
        user = db.get(User, attempt.step.user_id)
        if user is None:
            raise errors.state_invalid()
        self.states.consume(db, token)
        if not attempt.open:
            # refused as read, so no PIN was checked and nothing may count against the user
            gate = self.refusals.gate(db, kiosk, user, attempt.read_at)
            if gate is None:  # an admin unlocked them meanwhile: start again from a tap
                raise errors.state_invalid()
            db.commit()
            return gate
        locked = self.refusals.count_failure(db, user, kiosk, "pin")
        if locked is not None:
            db.commit()
            return locked
        return self._again(db, kiosk, user, attempt.step, "bad_pin")

    def pin_ok(self, db: Database, kiosk: str, token: str, attempt: PinAttempt) -> Reply:
        """The everyday end of a login, in Core statements (see appliance.queries): it needs
        no ORM session."""
        user, method = attempt.user, attempt.step.method
        connection = core(db)
        roles = tuple(
            Role(row.code, row.name) for row in connection.execute(ROLES, {"user_id": user.id})
        )
        now = self.clock()
        self.states.consume(db, token)
        self.refusals.reset(db, user.id)
        session = open_session(db, user.id, user.grace_seconds, kiosk, now)
        self.audit.record_all(
            db,
            [
                self.audit.event("pin_ok", at=now, kiosk=kiosk, username=user.username),
                self.audit.event(
                    "login", at=now, kiosk=kiosk, username=user.username, method=method
                ),
            ],
        )
        db.commit()
        signed_in = SignedIn(
            username=user.username,
            domain=user.domain,
            display_name=user.display_name,
            registration_authority=user.registration_authority,
            vsc_expires=user.vsc_expires,
            current_role=user.current_role,
            roles=roles,
        )
        return ok_reply(session, signed_in, method, now)

    def _again(self, db: Session, kiosk: str, user: User, step: Step, reason: str) -> Reply:
        policy = user.policy
        reply: Reply = {
            "status": "bad_factor",
            "reason": reason,
            "need": [step.step],
            "attempts_left": max(policy.max_attempts - user.failed_attempts, 0),
        }
        reply |= self.states.issue(
            db,
            kiosk,
            step.step,
            policy.entry_timeout,
            method=step.method,
            user=user,
            card_id=step.card_id,
        )
        db.commit()
        return reply

    def card_password(
        self, db: Session, kiosk: str, token: str, username: str, password: str, domain: str
    ) -> Reply:
        step = self.states.peek(db, kiosk, token, "password")
        owner = db.get(User, step.user_id)
        if owner is None:
            raise errors.state_invalid()
        proven = self.directory.check_password(db, username, domain, password)
        self.states.consume(db, token)
        now = self.clock()
        gate = self.refusals.gate(db, kiosk, owner, now)
        if gate is not None:
            db.commit()
            return gate
        if proven is None or proven.id != owner.id:
            locked = self.refusals.count_failure(db, owner, kiosk, "password")
            if locked is not None:
                db.commit()
                return locked
            return self._again(db, kiosk, owner, step, "bad_password")
        self.refusals.reset(db, owner.id)
        self.audit.record(db, "password_ok", at=now, kiosk=kiosk, username=owner.username)
        return self._finish(db, kiosk, owner, "card_password")

    def enroll_card(
        self, db: Session, kiosk: str, token: str, username: str, password: str, domain: str
    ) -> Reply:
        step = self.states.peek(db, kiosk, token, "enroll_card")
        assert step.card_id is not None
        user = self.directory.check_password(db, username, domain, password)
        self.states.consume(db, token)
        now = self.clock()
        default = self._default_policy(db)
        if user is None:
            failures = step.failures + 1
            self.audit.record(
                db,
                "password_bad",
                at=now,
                kiosk=kiosk,
                username=username.lower(),
                card_id=step.card_id,
            )
            left = max(default.max_attempts - failures, 0)
            reply: Reply = {
                "status": "bad_factor",
                "reason": "bad_password",
                "need": ["password"],
                "attempts_left": left,
            }
            if left > 0:  # out of tries: no new state, the kiosk starts again from a tap
                reply |= self.states.issue(
                    db,
                    kiosk,
                    "enroll_card",
                    default.entry_timeout,
                    card_id=step.card_id,
                    failures=failures,
                )
            db.commit()
            return reply
        gate = self.refusals.gate(db, kiosk, user, now)
        if gate is not None:
            db.commit()
            return gate
        if not (default.self_enrollment and user.policy.self_enrollment):
            self.audit.record(db, "enrol_refused", at=now, kiosk=kiosk, username=user.username)
            db.commit()
            return self.refusals.denied(
                db,
                kiosk,
                user,
                "factor_not_allowed",
                "Your policy does not allow enrolling cards at a kiosk.",
            )
        if db.scalars(select(Card).where(Card.card_id == step.card_id)).one_or_none() is not None:
            db.commit()
            return self.refusals.denied(
                db, kiosk, user, "card_taken", "This card already belongs to someone."
            )
        db.add(Card(card_id=step.card_id, user_id=user.id, enrolled_at=now, enrolled_kiosk=kiosk))
        self.audit.record(
            db, "card_enrolled", at=now, kiosk=kiosk, username=user.username, card_id=step.card_id
        )
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            return self.refusals.denied(
                db, kiosk, user, "card_taken", "This card already belongs to someone."
            )
        self.refusals.reset(db, user.id)
        return self._finish(db, kiosk, user, "card_password")

    def enroll_pin(self, db: Session, kiosk: str, token: str, value: str) -> Reply:
        step = self.states.peek(db, kiosk, token, "enroll_pin")
        user = db.get(User, step.user_id)
        if user is None:
            raise errors.state_invalid()
        broken = pin_rule_broken(user.policy, value)
        verifier = None if broken else make_verifier(value, self.settings.hash_cost)
        self.states.consume(db, token)
        if broken is not None:
            reply = self._again(db, kiosk, user, step, "pin_rules")
            reply["message"] = broken
            return reply
        assert verifier is not None
        now = self.clock()
        existing = db.get(PinVerifier, user.id)
        if existing is None:
            db.add(PinVerifier(user_id=user.id, verifier=verifier, set_at=now))
        else:
            existing.verifier, existing.set_at = verifier, now
        self.audit.record(db, "pin_enrolled", at=now, kiosk=kiosk, username=user.username)
        db.flush()
        return self._finish(db, kiosk, user, step.method)

    def domains(self, db: Session) -> list[str]:
        local = db.scalars(select(User.domain).distinct()).all()
        return sorted(set(local) | set(self.directory.domains()))
