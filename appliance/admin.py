"""What the admin CLI does to the data: users, policies, cards, kiosks (no argument parsing)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from appliance import attempts, desktop
from appliance.audit import Auditor
from appliance.config import ApplianceError, HashCost
from appliance.directory import normal_domain, normal_username
from appliance.hashing import kiosk_secret_digest, make_verifier
from appliance.keys import Keys
from appliance.spine import end_grace
from appliance.states import StateTokens
from appliance.store import Card, DesktopSession, Kiosk, PinVerifier, Policy, SpineRole, User

ADMIN = "admin-cli"


@dataclass(frozen=True)
class NewUser:
    username: str
    domain: str
    display_name: str = ""
    password: str | None = None
    pin: str | None = None
    registration_authority: bool = False
    policy: str = "default"
    roles: tuple[tuple[str, str], ...] = ()
    current_role: str | None = None
    cards: tuple[str, ...] = ()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def find_user(db: Session, name: str) -> User:
    """`name` or `name@DOMAIN`; without a domain the name must be unique across domains."""
    username, _, domain = name.partition("@")
    query = select(User).where(User.username == normal_username(username))
    if domain:
        query = query.where(User.domain == normal_domain(domain))
    found = db.scalars(query).all()
    if not found:
        raise ApplianceError(f"unable to find user {name}: no such user")
    if len(found) > 1:
        raise ApplianceError(
            f"unable to pick user {name}: several domains have it; use NAME@DOMAIN"
        )
    return found[0]


def add_user(db: Session, new: NewUser, cost: HashCost, keys: Keys, audit: Auditor) -> User:
    if db.get(Policy, new.policy) is None:
        raise ApplianceError(f"unable to add user {new.username}: no policy named {new.policy}")
    stamp = now()
    user = User(
        username=normal_username(new.username),
        domain=normal_domain(new.domain),
        display_name=new.display_name or new.username,
        disabled=False,
        registration_authority=new.registration_authority,
        policy_name=new.policy,
        password_verifier=make_verifier(new.password, cost, keys) if new.password else None,
        current_role=new.current_role,
    )
    user.roles = [SpineRole(code=code, name=name) for code, name in new.roles]
    db.add(user)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise ApplianceError(
            f"unable to add user {new.username}: {new.username}@{new.domain} exists"
        ) from None
    if new.pin:
        verifier = make_verifier(new.pin, cost, keys)
        db.add(PinVerifier(user_id=user.id, verifier=verifier, set_at=stamp))
    for card_id in new.cards:
        bind_card(db, user, card_id, keys, audit)
    audit.record(db, "admin_user_added", at=stamp, kiosk=ADMIN, username=user.username)
    return user


def find_card(db: Session, card_id: str, keys: Keys) -> Card | None:
    """A card by its id, under whichever key it was bound (only keyed hashes are stored)."""
    wanted = keys.card_keys(card_id.strip().upper())
    return db.scalars(select(Card).where(Card.card_key.in_(wanted))).one_or_none()


def bind_card(db: Session, user: User, card_id: str, keys: Keys, audit: Auditor) -> None:
    """An administrator registers a card for a user (the way in when self-enrollment is off)."""
    card_id = card_id.strip().upper()
    if find_card(db, card_id, keys) is not None:
        raise ApplianceError("unable to bind card: it already belongs to someone")
    card_key = keys.card_key(card_id)
    db.add(
        Card(
            card_key=card_key,
            key_id=keys.current_id,
            user_id=user.id,
            enrolled_at=now(),
            enrolled_kiosk=ADMIN,
        )
    )
    audit.record(
        db, "admin_card_bound", at=now(), kiosk=ADMIN, username=user.username, card_key=card_key
    )


def set_disabled(db: Session, name: str, disabled: bool, audit: Auditor) -> User:
    user = find_user(db, name)
    user.disabled = disabled
    if disabled:
        end_grace(db, user.id, now())
    audit.record(
        db,
        "admin_user_disabled" if disabled else "admin_user_enabled",
        at=now(),
        kiosk=ADMIN,
        username=user.username,
    )
    return user


def unlock(db: Session, name: str, audit: Auditor) -> User:
    user = find_user(db, name)
    attempts.forget(db, user.username, user.domain)
    audit.record(db, "admin_unlocked", at=now(), kiosk=ADMIN, username=user.username)
    return user


def reset_pin(db: Session, name: str, audit: Auditor) -> User:
    """Forget the user's PIN: their next login sets a new one."""
    user = find_user(db, name)
    db.execute(delete(PinVerifier).where(PinVerifier.user_id == user.id))
    attempts.forget(db, user.username, user.domain)
    audit.record(db, "admin_pin_reset", at=now(), kiosk=ADMIN, username=user.username)
    return user


def revoke_card(db: Session, card_id: str, keys: Keys, audit: Auditor) -> Card:
    """The card signs nobody in from now on, and its user's grace period ends at once."""
    card = _card_for(db, card_id, keys, "revoke")
    card.revoked_at = now()
    end_grace(db, card.user_id, now())
    _card_audit(db, card, "admin_card_revoked", audit)
    return card


def approve_card(db: Session, card_id: str, keys: Keys, audit: Auditor) -> Card:
    """A self-enrolled card held for approval signs its user in from now on."""
    card = _card_for(db, card_id, keys, "approve")
    if not card.pending:
        raise ApplianceError("unable to approve card: it is not waiting for approval")
    card.pending = False
    _card_audit(db, card, "admin_card_approved", audit)
    return card


def _card_for(db: Session, card_id: str, keys: Keys, verb: str) -> Card:
    card = find_card(db, card_id, keys)
    if card is None:
        raise ApplianceError(f"unable to {verb} card: no such card")
    return card


def _card_audit(db: Session, card: Card, event: str, audit: Auditor) -> None:
    audit.record(
        db, event, at=now(), kiosk=ADMIN, username=card.user.username, card_key=card.card_key
    )


def end_session(db: Session, session_id: str, audit: Auditor) -> User:
    """An administrator ends a desktop session on any kiosk, and its user's grace period."""
    session = db.get(DesktopSession, session_id.strip())
    if session is None or session.ended_at is not None:
        raise ApplianceError(f"unable to end session {session_id[:80]!r}: no such open session")
    session.ended_at = now()
    end_grace(db, session.user_id, now())
    audit.record(db, "admin_session_ended", at=now(), kiosk=ADMIN, username=session.user.username)
    return session.user


def add_kiosk(db: Session, name: str, audit: Auditor) -> str:
    """Register a kiosk (or re-issue a revoked one's secret); returns the secret, shown once."""
    secret = secrets.token_urlsafe(32)
    kiosk = db.scalars(select(Kiosk).where(Kiosk.name == name)).one_or_none()
    if kiosk is not None and kiosk.revoked_at is None:
        raise ApplianceError(f"unable to add kiosk {name}: it exists; revoke it first")
    if kiosk is None:
        kiosk = Kiosk(name=name, secret_sha256="", created_at=now())
        db.add(kiosk)
    kiosk.secret_sha256 = kiosk_secret_digest(secret)
    kiosk.revoked_at = None
    audit.record(db, "admin_kiosk_added", at=now(), kiosk=name)
    return secret


def revoke_kiosk(db: Session, name: str, audit: Auditor) -> None:
    kiosk = db.scalars(select(Kiosk).where(Kiosk.name == name)).one_or_none()
    if kiosk is None:
        raise ApplianceError(f"unable to revoke kiosk {name}: no such kiosk")
    kiosk.revoked_at = now()
    # its logins in progress and sessions end: re-adding the name starts afresh
    StateTokens(now).end_kiosks(db, name)
    desktop.end_kiosks(db, name, now())
    audit.record(db, "admin_kiosk_revoked", at=now(), kiosk=name)
