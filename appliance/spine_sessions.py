"""Spine sessions with the SSB's tickets: first authentication and restart, the ticket a
desktop session may use, roles, reset and delete.

Who may open or reuse a Spine session is decided once, by the gate at login
(`gate.spine_use`, kept on the desktop session); here it is only read. The SSB is asked
with no transaction open (it may take a while), and a replaced ticket is revoked only once
the new one is stored: the old one stays valid until then.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from appliance import attempts, errors, facts, gate, spine_vsc, tickets
from appliance.audit import Auditor
from appliance.broker import Broker, BrokerError, Challenge, Ticket
from appliance.config import Settings
from appliance.directory import Directory, normal_domain, normal_username
from appliance.errors import ApiError
from appliance.replies import Role
from appliance.spine import current_role, iso, roles
from appliance.store import Policy, SpineRole, User

log = logging.getLogger(__name__)


def broker_error(error: BrokerError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


class SpineSessions:
    def __init__(
        self,
        settings: Settings,
        database: sessionmaker[Session],
        directory: Directory,
        clock: Callable[[], dt.datetime],
        broker: Broker | None = None,
    ) -> None:
        self.settings, self.database, self.directory, self.clock = (
            settings,
            database,
            directory,
            clock,
        )
        self.broker = broker or Broker(settings)
        self.audit = Auditor()

    def _record(self, db: Session, event: str, kiosk: str, username: str, **detail: Any) -> None:
        """Audit `event` now and commit it (with what the transaction did before)."""
        self.audit.record(db, event, at=self.clock(), kiosk=kiosk, username=username, **detail)
        db.commit()

    # -- reading what a desktop session holds --------------------------------------------

    def _held(self, db: Session, kiosk: str, session_id: str) -> tickets.Held:
        found = tickets.held(db, session_id, kiosk)
        if found is None:  # ended, or another kiosk's: both read as none
            raise errors.not_found("There is no such session.")
        return found

    def _may_use(self, db: Session, kiosk: str, held: tickets.Held, counted: bool) -> None:
        if held.may_use:
            return
        if counted:
            self._record(db, "spine_refused", kiosk, held.username, reason="single_factor")
        raise ApiError(
            403,
            "spine_two_factor_required",
            "unable to use Spine: this login did not prove two factors; sign in with your"
            " card and PIN or password",
        )

    def _live(self, held: tickets.Held) -> tickets.Held:
        if not held.live(self.clock()):
            raise ApiError(
                404,
                "spine_session_ended",
                "unable to use Spine: there is no Spine session (it ended, was reset or"
                " deleted); authenticate to Spine again",
            )
        return held

    def reply(self, db: Session, held: tickets.Held) -> dict[str, Any]:
        offered = roles(db, held.user_id)
        live = held.live(self.clock())
        return {
            "environment": self.settings.spine.environment,
            "ticket_until": iso(held.until) if live and held.until else None,
            "roles": [role.model_dump() for role in offered],
            "role": held.role,
            "default_role": held.default_role,
            # how the live ticket was won ("card" or "vsc"): it decides how the role changes
            "method": held.method if live else None,
        }

    # -- first authentication and restart -------------------------------------------------

    def challenge(self, kiosk: str, session_id: str) -> Challenge:
        with self.database() as db:
            held = self._held(db, kiosk, session_id)
            self._may_use(db, kiosk, held, counted=True)
        try:
            return self.broker.challenge(f"{held.username}@{held.domain}")
        except BrokerError as error:
            raise broker_error(error) from None

    def authenticate(
        self,
        kiosk: str,
        session_id: str,
        challenge_id: str,
        signature: str,
        role: str | None = None,
    ) -> dict[str, Any]:
        """A physical smartcard's signature over the challenge: the first authentication of
        the shift, or while a ticket is live a restart. `role`: the one wanted, if offered."""
        with self.database() as db:
            held = self._may_use_now(db, kiosk, session_id)
        ticket = self._ask_broker(
            kiosk, held, lambda: self.broker.authenticate(challenge_id, signature)
        )
        return self._won(kiosk, session_id, held, ticket, "card", role)

    def authenticate_vsc(
        self, kiosk: str, session_id: str, role: str | None = None
    ) -> dict[str, Any]:
        """The same on a VSC user's behalf: the appliance signs with the user's VSC
        (`appliance.spine_vsc`); no card, no challenge round trip through the kiosk."""
        with self.database() as db:
            held = self._held(db, kiosk, session_id)
            self._may_use(db, kiosk, held, counted=True)
            try:
                signer = spine_vsc.signer(db, self.settings.keys, held.user_id, self.clock())
            except ApiError as error:
                self._record(db, "spine_auth_failed", kiosk, held.username, reason=error.code)
                raise
            db.commit()  # a VSC key resealed under the current server key

        def sign_and_send() -> Ticket:
            issued = self.broker.challenge(f"{held.username}@{held.domain}")
            signature = signer.sign(issued.nonce)
            return self.broker.authenticate(issued.id, signature, signer.certificate_pem)

        return self._won(
            kiosk, session_id, held, self._ask_broker(kiosk, held, sign_and_send), "vsc", role
        )

    def _ask_broker(self, kiosk: str, held: tickets.Held, ask: Callable[[], Ticket]) -> Ticket:
        """The SSB's ticket for the session's user; a refusal is audited."""
        try:
            ticket = ask()
        except BrokerError as error:
            with self.database() as db:
                self._record(db, "spine_auth_failed", kiosk, held.username, reason=error.code)
            raise broker_error(error) from None
        if ticket.user != f"{held.username}@{held.domain}".lower():
            raise ApiError(403, "spine_wrong_user", "unable to use Spine: another user's card")
        return ticket

    def _won(
        self,
        kiosk: str,
        session_id: str,
        held: tickets.Held,
        ticket: Ticket,
        method: str,
        wanted: str | None,
    ) -> dict[str, Any]:
        """Keep the ticket the SSB issued (won with `method`) as the user's Spine session."""
        with self.database() as db:
            now = self.clock()
            user = db.get(User, held.user_id)
            policy = db.get(Policy, user.policy_name) if user else None
            if user is None or policy is None:
                raise errors.not_found("There is no such session.")
            self._keep_roles(db, user.id, ticket.roles)
            # the role wanted at a restart, else the user's default role, each only if still
            # theirs, else the only one; else none yet (the kiosk shows the role screen)
            codes = {role.code for role in ticket.roles}
            chosen = next((c for c in (wanted, user.current_role) if c in codes), None)
            role = current_role(chosen, list(ticket.roles))
            seconds = gate.spine_ticket_seconds(policy.grace_seconds, ticket.max_seconds)
            sealed = tickets.seal(self.settings.keys, ticket.value)
            until, replaced = tickets.store(db, user.id, kiosk, sealed, role, seconds, now, method)
            self.audit.record(
                db,
                "spine_restarted" if held.live(now) else "spine_created",
                at=now,
                kiosk=kiosk,
                username=user.username,
                until=iso(until),
                method=method,
            )
            db.commit()
            reply = self.reply(db, self._held(db, kiosk, session_id))
        if replaced is not None:
            self._revoke(replaced)
        return reply

    def _may_use_now(self, db: Session, kiosk: str, session_id: str) -> tickets.Held:
        held = self._held(db, kiosk, session_id)
        self._may_use(db, kiosk, held, counted=False)
        return held

    def _keep_roles(self, db: Session, user_id: int, offered: tuple[Role, ...]) -> None:
        # the SSB knows the user's roles: they replace what the appliance had
        db.execute(delete(SpineRole).where(SpineRole.user_id == user_id))
        db.add_all(SpineRole(user_id=user_id, code=r.code, name=r.name[:128]) for r in offered)

    def _revoke(self, sealed: str) -> None:
        value = tickets.unseal(self.settings.keys, sealed)
        if value is None:
            return
        try:
            self.broker.revoke(value)
        except BrokerError as error:
            log.warning("unable to revoke a Spine ticket at the SSB: %s", error.message)

    # -- the ticket API -------------------------------------------------------------------

    def ticket(self, kiosk: str, session_id: str) -> dict[str, Any]:
        """Answered from the persisted Spine session: the SSB is not asked."""
        with self.database() as db:
            held = self._live(self._may_use_now(db, kiosk, session_id))
            assert held.sealed is not None
            value = tickets.unseal(self.settings.keys, held.sealed)
            if value is None:
                raise ApiError(
                    404, "spine_session_ended", "unable to use Spine: the ticket is unreadable"
                )
            return {"ticket": value, **self.reply(db, held)}

    # -- roles ----------------------------------------------------------------------------

    def choose_role(
        self, kiosk: str, session_id: str, role: str, *, default: bool
    ) -> dict[str, Any]:
        """The session's role (`default`: the user's default role for new sessions)."""
        with self.database() as db:
            held = self._live(self._may_use_now(db, kiosk, session_id))
            # a physical smartcard's ticket changes role only through a new authentication
            # with the card (a restart, which may name the role); a VSC's changes at once
            if not default and held.method == "card":
                raise ApiError(
                    409,
                    "spine_restart_required",
                    "unable to change role: this Spine session was opened with your smartcard;"
                    " restart the Spine session with your card to change role",
                )
            if role not in {offered.code for offered in roles(db, held.user_id)}:
                raise errors.invalid_request(f"unable to choose role {role}: not one of yours")
            if default:
                user = db.get(User, held.user_id)
                assert user is not None
                user.current_role = role
            else:
                tickets.set_role(db, held.user_id, role)
            event = "spine_default_role" if default else "spine_role"
            self._record(db, event, kiosk, held.username, role=role)
            return self.reply(db, self._held(db, kiosk, session_id))

    # -- reset and delete -----------------------------------------------------------------

    def is_administrator(self, username: str, domain: str, password: str) -> bool:
        """An administrator named in `spine.administrators`, with their right password. The
        guess counts against that name's lockout like a login's (`appliance.attempts`)."""
        username, domain = normal_username(username), normal_domain(domain)
        now = self.clock()
        with self.database() as db:
            found = facts.by_name(db, username, domain, now)
            policy = found.user.policy if found else facts.default_policy(db)
            slot = attempts.reserve(db, username, domain, policy, now)
            db.commit()
        if not isinstance(slot, attempts.Slot):
            return False  # locked
        verifier = found.row.password_verifier if found else None
        # the check costs the same time whoever is named
        proof = self.directory.checker(username, domain, password, verifier)()
        with self.database() as db:
            now = self.clock()
            counted = attempts.right if proof.right else attempts.wrong
            locked = counted(db, slot, policy, now)
            db.commit()
        listed = f"{username}@{domain}" in self.settings.spine.administrators
        enabled = found is None or not found.user.disabled
        return listed and proof.right and locked is None and enabled

    def reset(self, kiosk: str, session_id: str, admin: tuple[str, str, str]) -> None:
        with self.database() as db:
            held = self._held(db, kiosk, session_id)
        username, domain, password = admin
        if not self.is_administrator(username, domain, password):
            with self.database() as db:
                by = normal_username(username)
                self._record(db, "spine_reset_refused", kiosk, held.username, by=by)
            raise ApiError(
                403, "admin_required", "unable to reset: not an administrator's credentials"
            )
        self.end(held.user_id, "spine_reset", kiosk, by=normal_username(username))

    def end_own(self, kiosk: str, session_id: str) -> None:
        """The user's own kiosk ends their Spine session: their Spine card was taken out
        (`[spine] card_removal_ends_session`) or the Spine idle period ran out. Only the
        session's holder may (`404` for any other); no two-factor check, since ending grants
        nothing and a refusal would leave live a ticket the kiosk wants gone. Nothing to end
        is no error, and is neither audited nor counted."""
        with self.database() as db:
            held = self._held(db, kiosk, session_id)
        self.end(held.user_id, "spine_ended", kiosk, by=held.username, audit_none=False)

    def end(
        self, user_id: int, event: str, kiosk: str, *, by: str, audit_none: bool = True
    ) -> bool:
        """End the user's Spine session (its ticket and tap-and-go grace) and revoke its
        ticket; False if there was no ticket (audited anyway when `audit_none`)."""
        with self.database() as db:
            user = db.get(User, user_id)
            assert user is not None
            now = self.clock()
            sealed = tickets.end(db, user_id, now)
            if sealed is not None or audit_none:
                self.audit.record(db, event, at=now, kiosk=kiosk, username=user.username, by=by)
            db.commit()
        if sealed is not None:
            self._revoke(sealed)
        return sealed is not None

    def delete(self, name: str, kiosk: str, by: str) -> bool:
        """A lost or stolen card: `name` is user or user@DOMAIN (`appliance spine delete`)."""
        from appliance.admin import find_user as find_by_name

        with self.database() as db:
            user_id = find_by_name(db, name).id  # ApplianceError if there is none
        return self.end(user_id, "spine_deleted", kiosk, by=by)
