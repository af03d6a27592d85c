"""Request bodies of the API (pydantic); unknown fields and wrong types are `invalid_request`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT = 256


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
    value: str = Field(min_length=1, max_length=64)


class PasswordFactor(Strict):
    type: Literal["password"]
    username: str = Field(min_length=1, max_length=MAX_TEXT)
    password: str = Field(max_length=MAX_TEXT)
    domain: str = Field(min_length=1, max_length=64)


class EnrollCard(Strict):
    type: Literal["card"]


class EnrollPin(Strict):
    type: Literal["pin"]
    value: str = Field(min_length=1, max_length=64)


Factor = Annotated[CardFactor | PinFactor | PasswordFactor, Field(discriminator="type")]
Enroll = Annotated[EnrollCard | EnrollPin, Field(discriminator="type")]


class AuthRequest(Strict):
    state: str | None = Field(default=None, min_length=1, max_length=128)
    factor: Factor | None = None
    enroll: Enroll | None = None


class RoleRequest(Strict):
    role: str = Field(min_length=1, max_length=32)


class SessionEvent(Strict):
    event: Literal["session"]
    action: Literal["started", "locked", "unlocked", "ended", "switched"]
    user: str = Field(max_length=MAX_TEXT)
    session: str | None = Field(default=None, max_length=128)


class AppsClosedEvent(Strict):
    event: Literal["apps_closed"]
    user: str = Field(max_length=MAX_TEXT)
    graceful: int = Field(ge=0, le=100_000)
    forced: int = Field(ge=0, le=100_000)
    duration_ms: int | None = Field(default=None, ge=0, le=86_400_000)


KioskEvent = Annotated[SessionEvent | AppsClosedEvent, Field(discriminator="event")]
