"""The VSC notices of a login's `ok` (docs/api.md): days left inside the policy's warning
window and how to renew, expired (see your RA: no longer used for Spine), and renewed (shown
once, then the warning stops). Core statements built once: they run at every login."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select, update

from appliance.db import Database, core
from appliance.replies import Notice
from appliance.store import Base

_t = Base.metadata.tables
_vscs, _users, _policies = _t["vscs"], _t["users"], _t["policies"]
_OF_USER = (
    select(
        _vscs.c.id,
        _vscs.c.status,
        _vscs.c.not_after,
        _vscs.c.renewal_unseen,
        _policies.c.vsc_warning_days,
    )
    .join(_users, _users.c.id == _vscs.c.user_id)
    .join(_policies, _policies.c.name == _users.c.policy_name)
    .where(_vscs.c.user_id == bindparam("uid"))
)
_SEEN = update(_vscs).where(_vscs.c.id == bindparam("vid")).values(renewal_unseen=False)
RENEW_HOW = "Renew it in the Care Identity Service (CIS) before then."
SEE_RA = (
    "Your virtual smartcard has expired and can no longer be used for Spine. "
    "Please see your Registration Authority."
)


def login_notices(db: Database, user_id: int, now: dt.datetime) -> list[Notice]:
    """What the user must read before the session starts; a renewal's notice is marked seen
    in the login's transaction, so it shows once."""
    connection = core(db)
    row = connection.execute(_OF_USER, {"uid": user_id}).first()
    if row is None or row.status == "revoked":
        return []
    if row.not_after <= now:
        return [Notice(code="vsc_expired", message=SEE_RA)]
    if row.renewal_unseen:
        connection.execute(_SEEN, {"vid": row.id})
        until = f"{row.not_after:%Y-%m-%d}"
        return [
            Notice(
                code="vsc_renewed",
                valid_until=until,
                message=f"Your virtual smartcard was renewed: it is valid until {until}.",
            )
        ]
    days_left = (row.not_after - now).days
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
