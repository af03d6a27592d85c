"""The VSC report (CLI and admin API): VSCs expiring within their warning window, and
Registration Authorities holding a VSC (which must not happen: `appliance user set --ra`
refuses it, but a VSC assigned before the flag, or moved over by the migration, shows here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from appliance.store import Policy, Vsc
from appliance.vsc import listing, status_of, view


def _window(db: Session, vsc: Vsc) -> int:
    """The owner's policy's window; an unassigned VSC's is the default policy's."""
    policy = vsc.user.policy if vsc.user is not None else db.get(Policy, "default")
    return policy.vsc_warning_days if policy is not None else 30


def vsc_report(db: Session, now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    expiring, ras = [], []
    for vsc in listing(db):
        state = status_of(vsc, now)
        if state in ("assigned", "unassigned") and (vsc.not_after - now).days <= _window(db, vsc):
            expiring.append(view(vsc, now))
        if vsc.user is not None and vsc.user.registration_authority and state != "revoked":
            ras.append(view(vsc, now))
    return {"expiring": expiring, "ras_holding_vsc": ras}
