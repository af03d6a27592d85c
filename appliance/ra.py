"""Registration Authorities: the flag on users whose policy enables Spine, and the assignment
of an unassigned VSC to a user by an RA at a kiosk. Each refusal has its own plain code
(docs/api.md); every refusal and assignment is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from appliance.audit import Auditor
from appliance.config import ApplianceError
from appliance.directory import normal_domain, normal_username
from appliance.store import User, Vsc
from appliance.vsc import of_user, status_of

Refusal = Literal[
    "ra_card_absent",
    "not_an_ra",
    "self_assignment",
    "target_is_ra",
    "user_not_found",
    "vsc_not_found",
    "vsc_assigned",
    "vsc_expired",
    "vsc_revoked",
    "user_has_vsc",
]
REASONS: dict[Refusal, tuple[int, str]] = {
    "ra_card_absent": (403, "Insert your own smartcard: assigning a VSC needs it present."),
    "not_an_ra": (403, "Only a Registration Authority may assign virtual smartcards."),
    "self_assignment": (403, "A Registration Authority may not assign a VSC to themself."),
    "target_is_ra": (403, "A Registration Authority may not hold a VSC: not for another RA."),
    "user_not_found": (404, "There is no such user."),
    "vsc_not_found": (404, "No VSC has that CIS username and serial."),
    "vsc_assigned": (409, "That VSC is already assigned to someone."),
    "vsc_expired": (409, "That VSC has expired: it cannot be assigned."),
    "vsc_revoked": (409, "That VSC is revoked: it cannot be assigned."),
    "user_has_vsc": (409, "This user already holds a VSC."),
}
SEARCH_LIMIT = 20


class AssignmentRefused(Exception):
    def __init__(self, code: Refusal) -> None:
        super().__init__(REASONS[code][1])
        self.code: Refusal = code
        self.status, self.message = REASONS[code]


def check_ra(ra: User, card_present: bool) -> None:
    """Every RA action: the RA's own smartcard present, and the user still an RA."""
    if not card_present:
        raise AssignmentRefused("ra_card_absent")
    if not ra.registration_authority or ra.disabled:
        raise AssignmentRefused("not_an_ra")


def set_ra(db: Session, user: User, ra: bool) -> None:
    """`appliance user set NAME --ra/--no-ra`."""
    name = f"{user.username}@{user.domain}"
    if ra and not user.policy.spine_enabled:
        raise ApplianceError(
            f"unable to make {name} an RA: their policy {user.policy_name} does not enable Spine"
        )
    held = of_user(db, user.id)
    if ra and held is not None and held.status != "revoked":
        raise ApplianceError(
            f"unable to make {name} an RA: they hold VSC {held.serial} (an RA may not)"
        )
    user.registration_authority = ra


def search(db: Session, text: str) -> list[User]:
    """Users whose username or display name holds `text` (case-insensitive)."""
    pattern = (
        "%"
        + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        + "%"
    )
    query = (
        select(User)
        .where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
        .order_by(User.username, User.domain)
        .limit(SEARCH_LIMIT)
    )
    return list(db.scalars(query).unique())


def bind(db: Session, vsc: Vsc, user: User, by: str, now: dt.datetime) -> None:
    """`vsc` becomes `user`'s; an expired or revoked one they held before is let go (it
    stays in the inventory, ownerless)."""
    old = of_user(db, user.id)
    if old is not None and old is not vsc:
        old.user = None
        db.flush()
    vsc.status, vsc.user, vsc.assigned_at, vsc.assigned_by = "assigned", user, now, by
    db.flush()


@dataclass(frozen=True)
class Assignment:
    """What an RA asks for: VSC (`cis_username`, `serial`) for `target` (username, domain),
    and whether the kiosk saw the RA's own smartcard."""

    target: tuple[str, str]
    cis_username: str
    serial: str
    card_present: bool


def assign(
    db: Session, audit: Auditor, kiosk: str, ra: User, wanted: Assignment, now: dt.datetime
) -> Vsc:
    """The RA `ra`, signed in at `kiosk`, assigns a VSC; AssignmentRefused with the first
    rule broken (audited either way)."""
    try:
        vsc, user = _checked(db, ra, wanted, now)
    except AssignmentRefused as refusal:
        audit.record(
            db, "vsc_assignment_refused", at=now, kiosk=kiosk, username=ra.username,
            reason=refusal.code, target="@".join(wanted.target), serial=wanted.serial,
        )  # fmt: skip
        raise
    bind(db, vsc, user, ra.username, now)
    audit.record(
        db, "vsc_assigned", at=now, kiosk=kiosk, username=user.username, ra=ra.username,
        serial=vsc.serial,
    )  # fmt: skip
    return vsc


def _checked(db: Session, ra: User, wanted: Assignment, now: dt.datetime) -> tuple[Vsc, User]:
    check_ra(ra, wanted.card_present)
    username, domain = wanted.target
    user = db.scalars(
        select(User).where(
            User.username == normal_username(username), User.domain == normal_domain(domain)
        )
    ).one_or_none()
    if user is None:
        raise AssignmentRefused("user_not_found")
    if user.id == ra.id:
        raise AssignmentRefused("self_assignment")
    if user.registration_authority:
        raise AssignmentRefused("target_is_ra")
    vsc = db.scalars(
        select(Vsc).where(
            Vsc.serial == wanted.serial.strip(), Vsc.cis_username == wanted.cis_username.strip()
        )
    ).one_or_none()
    if vsc is None:
        raise AssignmentRefused("vsc_not_found")
    state = status_of(vsc, now)
    if state == "revoked":
        raise AssignmentRefused("vsc_revoked")
    if state == "expired":
        raise AssignmentRefused("vsc_expired")
    if state == "assigned":
        raise AssignmentRefused("vsc_assigned")
    held = of_user(db, user.id)
    if held is not None and status_of(held, now) == "assigned":
        raise AssignmentRefused("user_has_vsc")
    return vsc, user
