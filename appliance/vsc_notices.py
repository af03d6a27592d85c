"""The VSC notices of a login's `ok` (docs/api.md): days left inside the policy's warning
window and how to renew, expired (see your RA: no longer used for Spine), and renewed (shown
once, then the warning stops). Core statements built once: they run at every login."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, update

from appliance.db import Database, core
from appliance.replies import Notice
from appliance.store import Base

_t = Base.metadata.tables
_vscs = _t["vscs"]
_SEEN = update(_vscs).where(_vscs.c.id == bindparam("vid")).values(renewal_unseen=False)
RENEW_HOW = "Renew it in the Care Identity Service (CIS) before then."
SEE_RA = (
    "Your virtual smartcard has expired and can no longer be used for Spine. "
    "Please see your Registration Authority."
)


def login_notices(db: Database, row: Any, now: dt.datetime) -> list[Notice]:
    """What the user must read before the session starts; a renewal's notice is marked seen
    in the login's transaction, so it shows once. `row`: the user's facts
    (`appliance.facts`), which carry their VSC (`vsc_*`) and policy's `vsc_warning_days`."""
    if row.vsc_id is None or row.vsc_status == "revoked":
        return []
    if row.vsc_not_after <= now:
        return [Notice(code="vsc_expired", message=SEE_RA)]
    if row.vsc_renewal_unseen:
        core(db).execute(_SEEN, {"vid": row.vsc_id})
        until = f"{row.vsc_not_after:%Y-%m-%d}"
        return [
            Notice(
                code="vsc_renewed",
                valid_until=until,
                message=f"Your virtual smartcard was renewed: it is valid until {until}.",
            )
        ]
    days_left = (row.vsc_not_after - now).days
    if days_left > row.vsc_warning_days:
        return []
    unit = "day" if days_left == 1 else "days"
    return [
        Notice(
            code="vsc_expiring",
            days_left=days_left,
            message=f"Your virtual smartcard expires in {days_left} {unit}. {RENEW_HOW}",
        )
    ]
