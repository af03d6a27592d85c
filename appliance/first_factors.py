"""How a login starts: a card tap (the first factor, tap-and-go inside a grace, or an unknown
card), or a password for a name typed at the kiosk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from appliance import facts, gate
from appliance.db import Database, core
from appliance.directory import Directory
from appliance.facts import Found
from appliance.keys import Keys
from appliance.login_end import LoginEnd
from appliance.login_tx import Tx
from appliance.login_writes import move_card
from appliance.password_guess import PasswordGuesses
from appliance.pending import Held, Outcome, resumed
from appliance.replies import Reply, UnknownCard
from appliance.states import StateTokens, Step
from appliance.store import Base

_users = Base.metadata.tables["users"]
_DOMAINS = _users.select().with_only_columns(_users.c.domain).distinct()


@dataclass(frozen=True)
class FirstFactors:
    keys: Keys
    directory: Directory
    states: StateTokens
    passwords: PasswordGuesses
    end: LoginEnd
    clock: Callable[[], dt.datetime]

    def tap(self, tx: Tx, kiosk: str, card_id: str) -> Reply:
        now = self.clock()
        card_keys = self.keys.card_keys(card_id)
        card_key = card_keys[0]
        found = facts.by_card(tx.db, card_keys, now)
        if found is None:
            return self._unknown_card(tx, kiosk, card_key, now)
        if found.row.card_key != card_key:  # bound under a retired key: move it over
            move_card(tx, found.row.card_key, card_key, self.keys.current_id)
        tx.note("card_seen", at=now, kiosk=kiosk, username=found.username, card_key=card_key)
        decision = gate.on_tap(found.card, found.user, "off", found.in_grace, now)
        if isinstance(decision, gate.TapAndGo):
            assert found.row.grace_until is not None
            spine = gate.spine_use(decision)
            return self.end.desktop_session(
                tx, kiosk, found, "tap_and_go", found.row.grace_until, now, spine
            )
        asks_pin = isinstance(decision, gate.AskFactor) and decision.need == "pin"
        method = "card_pin" if asks_pin else "card_password"
        step = Step("pin", method, found.user.id, card_key, frozenset({"card"}), False)
        return self.end.render(tx, kiosk, found, step, decision, now)

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
            resumed(held, step)

        def then(tx: Tx, found: Found, now: dt.datetime) -> Reply:
            proven = replace(step, user_id=found.user.id)
            return self.end.proven(tx, kiosk, proven, found, frozenset({"password"}), now)

        return self.passwords.guess(tx, kiosk, step, username, domain, password, held, then)

    def domains(self, db: Database) -> list[str]:
        local = core(db).execute(_DOMAINS).scalars().all()
        return sorted(set(local) | set(self.directory.domains()))
