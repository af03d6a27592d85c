"""Request bodies of the API (pydantic); unknown fields and wrong types are `invalid_request`.

Every string is bounded, names by the length of the column they are kept in (read from
`appliance.store`, so a request the edge takes always fits the database), and none may hold a
NUL: PostgreSQL refuses NULs in text, and a name with a line break could forge a log line.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import JsonDict
from sqlalchemy import String
from sqlalchemy.orm import QueryableAttribute

from appliance.store import AuditEvent, SpineRole, SpineSession, User

# What a name may never hold: C0 and C1 controls and DEL, line and paragraph separators, the
# bidirectional overrides (they make a line read as something else) and lone surrogates (not
# text: they cannot be encoded for the database). In a character class, for Python and JSON
# Schema alike.
UNPRINTABLE = r"\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_NAME_PATTERN = f"^[^{UNPRINTABLE}]*$"
# Secrets (passwords, PINs) may hold any text a keyboard makes, except a NUL (and, being
# text, no lone surrogate).
_SECRET_PATTERN = r"^[^\x00\ud800-\udfff]*$"  # noqa: S105 - a pattern
MAX_SECRET = 256
MAX_TOKEN = 128


def column_length(column: QueryableAttribute[Any]) -> int:
    """The length of a String column of `appliance.store`."""
    kind = column.type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{column} is not a String column with a length")
    return kind.length


def _matching(pattern: str, what: str) -> AfterValidator:
    # checked by Python's `re` (pydantic's own engine has no surrogates); the schema carries
    # the same pattern, so clients and the fuzzer see the rule
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(what)
        return value

    return AfterValidator(check)


_printable = _matching(
    _NAME_PATTERN, "must not hold control characters, line breaks or direction overrides"
)
_no_nul = _matching(_SECRET_PATTERN, "must not hold a NUL character")


def _limits(pattern: str, max_length: int, min_length: int = 1) -> Any:
    schema: JsonDict = {"pattern": pattern}
    return Field(min_length=min_length, max_length=max_length, json_schema_extra=schema)


Username = Annotated[str, _limits(_NAME_PATTERN, column_length(User.username)), _printable]
Domain = Annotated[str, _limits(_NAME_PATTERN, column_length(User.domain)), _printable]
RoleCode = Annotated[str, _limits(_NAME_PATTERN, column_length(SpineRole.code)), _printable]
# what the appliance issues: "s_" and URL-safe base64
SessionId = Annotated[
    str, Field(min_length=1, max_length=column_length(SpineSession.id), pattern=r"^[A-Za-z0-9_-]+$")
]
# a kiosk may report that nobody was signed in
EventUser = Annotated[
    str, _limits(_NAME_PATTERN, column_length(AuditEvent.username), min_length=0), _printable
]
Token = Annotated[str, _limits(_NAME_PATTERN, MAX_TOKEN), _printable]
Pin = Annotated[str, _limits(_SECRET_PATTERN, 64), _no_nul]
Password = Annotated[str, _limits(_SECRET_PATTERN, MAX_SECRET, min_length=0), _no_nul]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CardFactor(Strict):
    type: Literal["card"]
    id: str = Field(min_length=8, max_length=64, pattern=r"^[0-9A-Fa-f]+$")

    @field_validator("id")
    @classmethod
    def whole_bytes(cls, value: str) -> str:
        if len(value) % 2:
            raise ValueError("a card id is whole bytes: an even number of hex digits")
        return value.upper()


class PinFactor(Strict):
    type: Literal["pin"]
    value: Pin


class PasswordFactor(Strict):
    """`username` and `domain` may be left out only after a known card's tap: its state
    already names the user."""

    type: Literal["password"]
    username: Username | None = None
    password: Password
    domain: Domain | None = None


class EnrollCard(Strict):
    type: Literal["card"]


class EnrollPin(Strict):
    type: Literal["pin"]
    value: Pin


Factor = Annotated[CardFactor | PinFactor | PasswordFactor, Field(discriminator="type")]
Enroll = Annotated[EnrollCard | EnrollPin, Field(discriminator="type")]


class AuthRequest(Strict):
    state: Token | None = None
    factor: Factor | None = None
    enroll: Enroll | None = None


class RoleRequest(Strict):
    role: RoleCode


class SessionEvent(Strict):
    event: Literal["session"]
    action: Literal["started", "locked", "unlocked", "ended", "switched"]
    user: EventUser
    session: SessionId | None = None


class AppsClosedEvent(Strict):
    event: Literal["apps_closed"]
    user: EventUser
    graceful: int = Field(ge=0, le=100_000)
    forced: int = Field(ge=0, le=100_000)
    duration_ms: int | None = Field(default=None, ge=0, le=86_400_000)


KioskEvent = Annotated[SessionEvent | AppsClosedEvent, Field(discriminator="event")]
