"""How a login step ends: what the gate decided, written and answered. A refusal, the next
factor's state, a PIN owed, or the session (with its Spine grace and offline window)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appliance import gate
from appliance.desktop import open_desktop
from appliance.facts import Found
from appliance.keys import Keys
from appliance.login_tx import Tx
from appliance.login_writes import bind_card
from appliance.offline import offline_grant
from appliance.policy import pin_rules
from appliance.replies import (
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
    UserBrief,
)
from appliance.spine import current_role, iso, open_grace
from appliance.states import StateTokens, Step
from appliance.vsc_notices import login_notices


@dataclass(frozen=True)
class LoginEnd:
    keys: Keys
    states: StateTokens

    def proven(
        self,
        tx: Tx,
        kiosk: str,
        step: Step,
        found: Found,
        proven: frozenset[gate.Factor],
        now: dt.datetime,
    ) -> Reply:
        """The login's factors are proven: the gate's last word, written and answered."""
        card = None if step.bind_card else found.card
        decision = gate.after_proof(found.user, card, proven, now)
        return self.render(tx, kiosk, found, step.proving(proven), decision, now)

    def render(
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
            key_id = self.keys.current_id
            if not bind_card(tx, kiosk, found, step.card_key, key_id, now, pending=False):
                return self.render(tx, kiosk, found, step, gate.Denied("card_taken"), now)
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
        return self.desktop_session(tx, kiosk, found, step.method, grace_until, now, spine, offline)

    def desktop_session(
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
