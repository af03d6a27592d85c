"""What the admin CLI does to the data: users, policies, cards, kiosks (no argument parsing)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from appliance.audit import Auditor
from appliance.config import ApplianceError, HashCost
from appliance.directory import normal_domain, normal_username
from appliance.hashing import kiosk_secret_digest, make_verifier
from appliance.store import Card, Kiosk, PinVerifier, Policy, SpineRole, User

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
    vsc_expires: dt.date | None = None
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


def add_user(db: Session, new: NewUser, cost: HashCost, audit: Auditor) -> User:
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
        password_verifier=make_verifier(new.password, cost) if new.password else None,
        failed_attempts=0,
        vsc_expires=new.vsc_expires,
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
        db.add(PinVerifier(user_id=user.id, verifier=make_verifier(new.pin, cost), set_at=stamp))
    for card_id in new.cards:
        bind_card(db, user, card_id, audit)
    audit.record(db, "admin_user_added", at=stamp, kiosk=ADMIN, username=user.username)
    return user


def bind_card(db: Session, user: User, card_id: str, audit: Auditor) -> None:
    if db.scalars(select(Card).where(Card.card_id == card_id)).one_or_none() is not None:
        raise ApplianceError("unable to bind card: it already belongs to someone")
    db.add(Card(card_id=card_id, user_id=user.id, enrolled_at=now(), enrolled_kiosk=ADMIN))
    audit.record(
        db, "admin_card_bound", at=now(), kiosk=ADMIN, username=user.username, card_id=card_id
    )


def set_disabled(db: Session, name: str, disabled: bool, audit: Auditor) -> User:
    user = find_user(db, name)
    user.disabled = disabled
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
    user.locked_until = None
    user.failed_attempts = 0
    audit.record(db, "admin_unlocked", at=now(), kiosk=ADMIN, username=user.username)
    return user


def reset_pin(db: Session, name: str, audit: Auditor) -> User:
    """Forget the user's PIN: their next login sets a new one."""
    user = find_user(db, name)
    db.execute(delete(PinVerifier).where(PinVerifier.user_id == user.id))
    user.failed_attempts = 0
    audit.record(db, "admin_pin_reset", at=now(), kiosk=ADMIN, username=user.username)
    return user


def revoke_card(db: Session, card_id: str, audit: Auditor) -> Card:
    card = db.scalars(select(Card).where(Card.card_id == card_id.upper())).one_or_none()
    if card is None:
        raise ApplianceError("unable to revoke card: no such card")
    card.revoked_at = now()
    audit.record(
        db,
        "admin_card_revoked",
        at=now(),
        kiosk=ADMIN,
        username=card.user.username,
        card_id=card.card_id,
    )
    return card


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
    audit.record(db, "admin_kiosk_revoked", at=now(), kiosk=name)
