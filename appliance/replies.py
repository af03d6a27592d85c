"""The replies of `POST /v1/auth`: a closed set discriminated on `status` (docs/api.md), the
route's response model, so `/openapi.json` documents exactly what a kiosk may receive."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_serializer

from appliance.gate import DeniedReason

Need = Literal["pin", "password"]
# the rule a new PIN breaks (`bad_factor` with reason `pin_rules`): a stable code each kiosk
# words in its own language; `message` says the same in English for logs and scripts
PinRule = Literal[
    "too_short", "too_long", "digits_only", "printable", "repeated", "sequential", "common"
]


class Reply(BaseModel):
    def wire(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_none=True)

    def json_body(self) -> bytes:
        """What `wire` gives, as the JSON the kiosk receives (pydantic's own encoder)."""
        return self.__pydantic_serializer__.to_json(self, exclude_none=True)


class UserBrief(BaseModel):
    username: str
    display_name: str


class PinRules(BaseModel):
    min_length: int
    max_length: int
    digits_only: bool


class SessionUser(BaseModel):
    username: str
    domain: str
    display_name: str
    registration_authority: bool


class Role(BaseModel):
    code: str
    name: str


class Spine(BaseModel):
    """`grace_until` is null when this login opened no grace period (it did not prove two
    factors, or the policy grants none): the card alone will not sign in again. `role` is
    null while the user has several roles and has chosen none."""

    grace_until: str | None
    roles: list[Role]
    role: str | None

    def wire(self) -> dict[str, object]:
        return self.model_dump(mode="json")  # its nulls say something: kept


class DesktopSession(BaseModel):
    id: str
    method: Literal["card_pin", "card_password", "password", "tap_and_go"]
    user: SessionUser
    spine: Spine

    @field_serializer("spine")
    def _spine(self, spine: Spine) -> dict[str, object]:
        return spine.wire()


class Notice(BaseModel):
    """`days_left` with `vsc_expiring`; `valid_until` (a date) with `vsc_renewed`."""

    code: Literal["vsc_expiring", "vsc_expired", "vsc_renewed"]
    message: str
    days_left: int | None = None
    valid_until: str | None = None


class Offline(Reply):
    """This kiosk may sign the user in offline, with this card and PIN, for `window_seconds`
    from now (until `until` by the appliance's clock): their policy allows it and this login
    was the card and its PIN (`appliance.offline`)."""

    window_seconds: int
    until: str


class Ok(Reply):
    """`offline` only where the kiosk may cache this login for offline use (absent otherwise:
    the kiosk forgets any it cached for this user)."""

    status: Literal["ok"] = "ok"
    session: DesktopSession
    notices: list[Notice]
    offline: Offline | None = None


class Continue(Reply):
    status: Literal["continue"] = "continue"
    state: str
    need: list[Need]
    user: UserBrief
    expires_in: int


class UnknownCard(Reply):
    status: Literal["unknown_card"] = "unknown_card"
    enrollment: Literal["allowed", "disabled"]
    state: str | None = None
    domains: list[str] | None = None
    expires_in: int | None = None


class Enroll(Reply):
    status: Literal["enroll"] = "enroll"
    state: str
    need: list[Literal["pin"]]
    pin_rules: PinRules
    user: UserBrief
    expires_in: int


class BadFactor(Reply):
    """Without `state` the kiosk starts again (a first-factor password has nothing to keep).
    `rule` only with reason `pin_rules`."""

    status: Literal["bad_factor"] = "bad_factor"
    reason: Literal["bad_pin", "bad_password", "pin_rules"]
    need: list[Need]
    rule: PinRule | None = None
    state: str | None = None
    attempts_left: int | None = None
    expires_in: int | None = None
    message: str | None = None


class Locked(Reply):
    """`user` only where the kiosk already knew who it was (a card's steps): a password
    guess's lockout reads the same whether or not the username exists."""

    status: Literal["locked"] = "locked"
    until: str
    user: UserBrief | None = None


class Denied(Reply):
    status: Literal["denied"] = "denied"
    reason: DeniedReason
    message: str


AuthReply = Annotated[
    Ok | Continue | UnknownCard | Enroll | BadFactor | Locked | Denied,
    Field(discriminator="status"),
]
