"""`POST /v1/auth`: one login walked one factor at a time (see docs/api.md).

Every step gathers its facts (`appliance.facts`), asks the gate (`appliance.gate`) and writes
what it decided; nothing here decides on its own. A step that checks a secret comes back as
`Pending`: its state token is taken and its guess reserved (`appliance.attempts`) and
committed first, then the check (Argon2id, or the LDAP bind) runs outside any transaction,
then `finish` decides on a fresh connection. The route runs these phases on the event loop or
a worker thread; the steps are the same whatever the database.

What a step took before its check is its `Held` (its state, its guess's slot): a step the
kiosk named (`appliance.steps`) keeps it, and when the instance checking it dies, another
passes it back in (`held=`) and judges the same guess without taking or counting anything again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from appliance import attempts, errors, facts, gate
from appliance.audit import Auditor
from appliance.config import Settings
from appliance.db import Database, core
from appliance.desktop import open_desktop
from appliance.directory import Directory, Proof, normal_domain, normal_username
from appliance.facts import Found
from appliance.hashing import Verdict, check_verifier, make_verifier
from appliance.offline import offline_grant
from appliance.policy import pin_rule_broken, pin_rule_message, pin_rules
from appliance.replies import (
    BadFactor,
    Continue,
    Denied,
    DesktopSession,
    Enroll,
    Locked,
    Offline,
    Ok,
    Reply,
    Role,
    SessionUser,
    Spine,
    UnknownCard,
    UserBrief,
)
from appliance.spine import current_role, iso, open_grace
from appliance.states import StateTokens, Step, StepName
from appliance.store import Base
from appliance.vsc_notices import login_notices

T = TypeVar("T")
_t = Base.metadata.tables
_cards, _users, _pins = _t["cards"], _t["users"], _t["pin_verifiers"]
_MOVE_CARD = (
    update(_cards)
    .where(_cards.c.card_key == bindparam("old"))
    .values(card_key=bindparam("new"), key_id=bindparam("kid"))
)
_BIND_CARD = _cards.insert()
_PASSWORD = (
    update(_users)
    .where(_users.c.id == bindparam("user_id"))
    .values(password_verifier=bindparam("v"))
)


def _set_pin(dialect: Any) -> Any:
    statement = dialect.insert(_pins)
    return statement.on_conflict_do_update(
        index_elements=[_pins.c.user_id],
        set_={"verifier": statement.excluded.verifier, "set_at": statement.excluded.set_at},
    )


_SET_PIN = {"sqlite": _set_pin(sqlite), "postgresql": _set_pin(postgresql)}


class Tx:
    """One request's connection, and the audit lines its decisions made: written in one
    statement at each commit, so a decision and its record land together."""

    def __init__(self, db: Database, audit: Auditor, clock: Callable[[], dt.datetime]) -> None:
        self.db, self.audit, self.clock = db, audit, clock
        self.lines: list[dict[str, Any]] = []
        # a named step's decision commits with its record (appliance.steps), not before
        self.deferred = False

    def note(self, event: str, **fields: Any) -> None:
        if "at" not in fields:  # not setdefault: that would read the clock every time
            fields["at"] = self.clock()
        self.lines.append(self.audit.event(event, **fields))

    def commit(self) -> None:
        if self.lines:
            self.audit.record_all(self.db, self.lines)
            self.lines = []
        if not self.deferred:
            self.db.commit()


class Held(NamedTuple):
    """What a secret step took before its check: its state (the step it answers), the slot of
    its guess (none when setting a PIN), and whose it is (for the audit). A named tuple: as
    immutable as a frozen dataclass, built in half the time."""

    step: Step
    slot: attempts.Slot | None
    username: str


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A step waiting on a secret's check: `check` runs with no transaction open (`argon2`:
    on a hash thread; else it may wait on the network), then `finish` decides."""

    check: Callable[[], T]
    finish: Callable[[Tx, T], Reply]
    argon2: bool = True
    held: Held | None = None


Outcome = Reply | Pending[Any]


class LoginService:
    def __init__(
        self, settings: Settings, directory: Directory, clock: Callable[[], dt.datetime]
    ) -> None:
        self.settings = settings
        self.keys = settings.keys
        self.directory = directory
        self.clock = clock
        self.audit = Auditor()
        self.states = StateTokens(clock)

    def tx(self, db: Database) -> Tx:
        return Tx(db, self.audit, self.clock)

    # -- first factors ---------------------------------------------------------------------

    def tap(self, tx: Tx, kiosk: str, card_id: str) -> Reply:
        now = self.clock()
        card_keys = self.keys.card_keys(card_id)
        card_key = card_keys[0]
        found = facts.by_card(tx.db, card_keys, now)
        if found is None:
            return self._unknown_card(tx, kiosk, card_key, now)
        if found.row.card_key != card_key:  # bound under a retired key: move it over
            moved = {"old": found.row.card_key, "new": card_key, "kid": self.keys.current_id}
            core(tx.db).execute(_MOVE_CARD, moved)
        tx.note("card_seen", at=now, kiosk=kiosk, username=found.username, card_key=card_key)
        decision = gate.on_tap(found.card, found.user, "off", found.in_grace, now)
        if isinstance(decision, gate.TapAndGo):
            assert found.row.grace_until is not None
            spine = gate.spine_use(decision)
            return self._desktop_session(
                tx, kiosk, found, "tap_and_go", found.row.grace_until, now, spine
            )
        asks_pin = isinstance(decision, gate.AskFactor) and decision.need == "pin"
        method = "card_pin" if asks_pin else "card_password"
        step = Step("pin", method, found.user.id, card_key, frozenset({"card"}), False)
        return self._render(tx, kiosk, found, step, decision, now)

    def _unknown_card(self, tx: Tx, kiosk: str, card_key: str, now: dt.datetime) -> Reply:
        default = facts.default_policy(tx.db)
        tx.note("card_unknown", at=now, kiosk=kiosk, card_key=card_key)
        if default.self_enrollment == "off":
            tx.commit()
            return UnknownCard(enrollment="disabled")
        step = Step("enroll_card", "card_password", None, card_key, frozenset(), True)
        issued = self.states.issue(tx.db, kiosk, step, default.entry_timeout)
        tx.commit()
        return UnknownCard(enrollment="allowed", domains=self.domains(tx.db), **issued)

    def password(
        self,
        tx: Tx,
        kiosk: str,
        username: str,
        password: str,
        domain: str,
        held: Held | None = None,
    ) -> Outcome:
        step = Step("password", "password", None, None, frozenset(), False)
        if held is not None:
            self._resumes(held, step)
        return self._password_guess(tx, kiosk, step, username, domain, password, held)

    # -- later steps -----------------------------------------------------------------------

    def pin(self, tx: Tx, kiosk: str, token: str, value: str, held: Held | None = None) -> Outcome:
        taken = self._guess(tx, kiosk, token, "pin", held)
        if not isinstance(taken, tuple):
            return taken
        step, found, slot = taken
        verifier = found.row.pin_verifier
        if verifier is None:  # an administrator reset the PIN meanwhile: start again
            raise errors.state_invalid()

        def finish(tx: Tx, verdict: Verdict) -> Reply:
            if verdict.renewed:
                core(tx.db).execute(
                    _SET_PIN[core(tx.db).dialect.name], self._pin_row(found, verdict.renewed)
                )
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
        taken = self._guess(tx, kiosk, token, "password", held)
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
            self._renew_password(tx, found, proof)
            right = same and proof.right
            return self._checked(tx, kiosk, step, found, slot, right, "password")

        in_ldap = self._in_ldap(found.domain)
        return Pending(check, finish, argon2=not in_ldap, held=Held(step, slot, found.username))

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
            step = self._resumes(held, "enroll_card")
        return self._password_guess(tx, kiosk, step, username, domain, password, held)

    def enroll_pin(
        self, tx: Tx, kiosk: str, token: str, value: str, held: Held | None = None
    ) -> Outcome:
        if held is None:
            step, found, now = self._take(tx, kiosk, token, "enroll_pin")
            refused = gate.admit(found.user, None if step.bind_card else found.card, now)
            if refused is not None:
                return self._render(tx, kiosk, found, step, refused, now)
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
            step, found = self._found(tx, self._resumes(held, "enroll_pin"))

        def finish(tx: Tx, verifier: str) -> Reply:
            now = self.clock()
            core(tx.db).execute(_SET_PIN[core(tx.db).dialect.name], self._pin_row(found, verifier))
            tx.note("pin_enrolled", at=now, kiosk=kiosk, username=found.username)
            with_pin = found._replace(user=replace(found.user, has_pin=True))
            return self._proven(tx, kiosk, step, with_pin, step.proven, now)

        def made() -> str:
            return make_verifier(value, self.settings.hash_cost, self.keys)

        return Pending(made, finish, held=Held(step, None, found.username))

    # -- shared pieces ---------------------------------------------------------------------

    def _take(
        self, tx: Tx, kiosk: str, token: str, wanted: StepName
    ) -> tuple[Step, Found, dt.datetime]:
        step, found = self._found(tx, self.states.take(tx.db, kiosk, token, wanted))
        return step, found, self.clock()

    def _found(self, tx: Tx, step: Step) -> tuple[Step, Found]:
        found = None
        if step.user_id is not None:
            found = facts.by_user(tx.db, step.user_id, step.card_key, self.clock())
        if found is None:  # the user was removed meanwhile
            tx.commit()
            raise errors.state_invalid()
        return step, found

    def _guess(
        self, tx: Tx, kiosk: str, token: str, wanted: StepName, held: Held | None
    ) -> tuple[Step, Found, attempts.Slot] | Reply:
        """A guess at the secret of the user a state names: the token taken and the slot
        reserved, or both as they were held for a step another instance began."""
        if held is None:
            step, found, now = self._take(tx, kiosk, token, wanted)
            slot = self._reserve(tx, kiosk, found, step, now)
            return (step, found, slot) if isinstance(slot, attempts.Slot) else slot
        step, found = self._found(tx, self._resumes(held, wanted))
        assert held.slot is not None
        return step, found, held.slot

    @staticmethod
    def _resumes(held: Held, wanted: StepName | Step) -> Step:
        """The held step, if it is the one this request answers (the step id's request
        digest already ties the two; this is the last word)."""
        same = held.step == wanted if isinstance(wanted, Step) else held.step.step == wanted
        if not same:
            raise errors.invalid_request("X-Step-Id names another kind of step.")
        return held.step

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
            return self._render(tx, kiosk, found, step, refused, now)
        tx.commit()
        return refused

    def _password_guess(
        self,
        tx: Tx,
        kiosk: str,
        step: Step,
        username: str,
        domain: str,
        password: str,
        held: Held | None = None,
    ) -> Outcome:
        """A password for a name typed at the kiosk (a first factor, or binding an unknown
        card): counted against that name whether or not it exists, and answered the same."""
        now = self.clock()
        username, domain = normal_username(username), normal_domain(domain)
        found = facts.by_name(tx.db, username, domain, now)
        policy = found.user.policy if found else facts.default_policy(tx.db)
        if held is not None and held.slot is not None:
            slot: attempts.Slot | gate.Locked = held.slot
        else:
            slot = attempts.reserve(tx.db, username, domain, policy, now)
        if isinstance(slot, gate.Locked):
            tx.note("refused_locked", at=now, kiosk=kiosk, username=username)
            tx.commit()
            return Locked(until=iso(slot.until))
        if (slot.username, slot.domain) != (username, domain):
            raise errors.invalid_request("X-Step-Id names a step for another name.")
        tx.commit()
        verifier = found.row.password_verifier if found else None
        check = self.directory.checker(username, domain, password, verifier)

        def finish(tx: Tx, proof: Proof) -> Reply:
            now = self.clock()
            if not proof.right:
                return self._wrong_password(tx, kiosk, step, slot, policy, now)
            locked = attempts.right(tx.db, slot, policy, now)
            if locked is not None:  # a lockout began while this guess was checked
                tx.note("refused_locked", at=now, kiosk=kiosk, username=username)
                tx.commit()
                return Locked(until=iso(locked.until))
            proven = found
            if proven is None and proof.entry is not None:
                self.directory.add_entry(tx.db, proof.entry)
                proven = facts.by_name(tx.db, username, domain, now)
            if proven is None:  # removed while the password was checked
                tx.commit()
                return BadFactor(reason="bad_password", need=["password"])
            self._renew_password(tx, proven, proof)
            tx.note("password_ok", at=now, kiosk=kiosk, username=username)
            if step.bind_card:
                return self._enroll_card(tx, kiosk, step, proven, now)
            return self._proven(
                tx,
                kiosk,
                replace(step, user_id=proven.user.id),
                proven,
                frozenset({"password"}),
                now,
            )

        held = Held(step, slot, username)
        return Pending(check, finish, argon2=not self._in_ldap(domain), held=held)

    def _wrong_password(
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

    def _enroll_card(self, tx: Tx, kiosk: str, step: Step, found: Found, now: dt.datetime) -> Reply:
        default = facts.default_policy(tx.db)
        card_key = step.card_key
        assert card_key is not None
        taken = facts.card_bound(tx.db, card_key)
        decision = gate.on_card_enrollment(found.user, default.self_enrollment, taken, now)
        step = replace(step, user_id=found.user.id, proven=frozenset({"password"}))
        if isinstance(decision, gate.HoldForApproval):
            self._bind(tx, kiosk, found, card_key, now, pending=True)
            return self._render(tx, kiosk, found, step, gate.Denied("card_pending"), now)
        if isinstance(decision, gate.Denied):
            tx.note("enroll_refused", at=now, kiosk=kiosk, username=found.username)
        return self._render(tx, kiosk, found, step, decision, now)

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
                return self._render(tx, kiosk, found, step, locked, now)
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
            return self._render(tx, kiosk, found, step, locked, now)
        tx.note(f"{factor}_ok", at=now, kiosk=kiosk, username=found.username)
        return self._proven(tx, kiosk, step, found.unlocked(), step.proven | {factor}, now)

    def _proven(
        self,
        tx: Tx,
        kiosk: str,
        step: Step,
        found: Found,
        proven: frozenset[gate.Factor],
        now: dt.datetime,
    ) -> Reply:
        card = None if step.bind_card else found.card
        decision = gate.after_proof(found.user, card, proven, now)
        return self._render(tx, kiosk, found, step.proving(proven), decision, now)

    def _render(
        self,
        tx: Tx,
        kiosk: str,
        found: Found,
        step: Step,
        decision: gate.Decision,
        now: dt.datetime,
    ) -> Reply:
        """Write what the gate decided, commit, and answer it."""
        user = found.user
        brief = UserBrief(username=found.username, display_name=found.row.display_name)
        if isinstance(decision, gate.Denied):
            tx.note("denied", at=now, kiosk=kiosk, username=found.username, reason=decision.reason)
            tx.commit()
            return Denied(reason=decision.reason, message=gate.MESSAGES[decision.reason])
        if isinstance(decision, gate.Locked):
            tx.note("refused_locked", at=now, kiosk=kiosk, username=found.username)
            tx.commit()
            # a name typed at the kiosk is not confirmed by its lockout
            return Locked(
                until=iso(decision.until),
                user=brief if step.card_key and not step.bind_card else None,
            )
        if isinstance(decision, gate.AskFactor):
            asked = step.asking(decision.need, user.id)
            issued = self.states.issue(tx.db, kiosk, asked, user.policy.entry_timeout)
            tx.commit()
            return Continue(need=[decision.need], user=brief, **issued)
        if isinstance(decision, gate.PinOwed):
            asked = step.asking("enroll_pin", user.id)
            issued = self.states.issue(tx.db, kiosk, asked, user.policy.entry_timeout)
            tx.commit()
            return Enroll(need=["pin"], pin_rules=pin_rules(found.row), user=brief, **issued)
        if isinstance(decision, gate.Grant):
            return self._grant(tx, kiosk, found, step, decision, now)
        raise AssertionError(f"unable to render {decision!r}")

    def _grant(
        self,
        tx: Tx,
        kiosk: str,
        found: Found,
        step: Step,
        grant: gate.Grant,
        now: dt.datetime,
    ) -> Reply:
        if step.bind_card:
            assert step.card_key is not None
            if not self._bind(tx, kiosk, found, step.card_key, now, pending=False):
                return self._render(tx, kiosk, found, step, gate.Denied("card_taken"), now)
        grace_until = None
        if grant.grace:
            policy = found.user.policy
            grace_until = open_grace(tx.db, found.user.id, policy.grace_seconds, kiosk, now)
        elif grant.grace_refused:
            tx.note(
                "grace_refused",
                at=now,
                kiosk=kiosk,
                username=found.username,
                reason="single_factor",
            )
        spine = gate.spine_use(grant)
        offline = offline_grant(found.row, step.proven, not step.bind_card, now)
        return self._desktop_session(
            tx, kiosk, found, step.method, grace_until, now, spine, offline
        )

    def _desktop_session(
        self,
        tx: Tx,
        kiosk: str,
        found: Found,
        method: str,
        grace_until: dt.datetime | None,
        now: dt.datetime,
        spine: bool,
        offline: Offline | None = None,
    ) -> Ok:
        row = found.row
        session_id = open_desktop(tx.db, found.user.id, kiosk, method, now, spine=spine)
        # the audit says when this kiosk may sign the user in offline from now on
        cached = {"offline_window": offline.window_seconds} if offline is not None else {}
        tx.note("login", at=now, kiosk=kiosk, username=found.username, method=method, **cached)
        if row.ticket_until is not None and row.ticket_until > now:
            # a live Spine ticket: this login reuses it, or may not (counted for the report)
            event = "spine_reused" if spine else "spine_refused"
            reason = {} if spine else {"reason": "single_factor"}
            tx.note(event, at=now, kiosk=kiosk, username=found.username, **reason)
        offered = [Role(code=code, name=name) for code, name in found.roles]
        shown = login_notices(tx.db, row, now)
        tx.commit()
        return Ok(
            session=DesktopSession(
                id=session_id,
                method=method,  # type: ignore[arg-type]
                user=SessionUser(
                    username=found.username,
                    domain=found.domain,
                    display_name=row.display_name,
                    registration_authority=row.registration_authority,
                ),
                spine=Spine(
                    grace_until=iso(grace_until) if grace_until else None,
                    roles=offered,
                    role=current_role(row.current_role, offered),
                ),
            ),
            notices=shown,
            offline=offline,
        )

    def _bind(
        self,
        tx: Tx,
        kiosk: str,
        found: Found,
        card_key: str,
        now: dt.datetime,
        *,
        pending: bool,
    ) -> bool:
        """Bind the login's card to its user; False if someone bound it first."""
        connection = core(tx.db)
        try:
            with connection.begin_nested():
                connection.execute(
                    _BIND_CARD,
                    {
                        "card_key": card_key,
                        "key_id": self.keys.current_id,
                        "user_id": found.user.id,
                        "enrolled_at": now,
                        "enrolled_kiosk": kiosk,
                        "pending": pending,
                    },
                )
        except IntegrityError:
            return False
        tx.note(
            "card_enrolled",
            at=now,
            kiosk=kiosk,
            username=found.username,
            card_key=card_key,
            pending=pending,
        )
        return True

    def _pin_row(self, found: Found, verifier: str) -> dict[str, Any]:
        return {"user_id": found.user.id, "verifier": verifier, "set_at": self.clock()}

    def _renew_password(self, tx: Tx, found: Found, proof: Proof) -> None:
        if proof.renewed:
            core(tx.db).execute(_PASSWORD, {"user_id": found.user.id, "v": proof.renewed})

    def _in_ldap(self, domain: str) -> bool:
        return normal_domain(domain) in self.directory.ldap

    def domains(self, db: Database) -> list[str]:
        local = core(db).execute(_DOMAINS).scalars().all()
        return sorted(set(local) | set(self.directory.domains()))


_DOMAINS = _users.select().with_only_columns(_users.c.domain).distinct()
