"""The kiosk's request headers: its name, its credentials, the random id of a tap and of a step.

Their limits are set here once. Most routes declare them as FastAPI header parameters
(`XKiosk`, `Authorization`); `POST /v1/auth`, which every tap and PIN goes through, reads them
with `read_kiosk_headers` instead, because FastAPI re-inspects each declared parameter's type
at every request: the three headers as parameters cost a request 55-95 µs more than one model
read by hand (0.26 M instructions of a tap's 2.04 M in the ASGI app). Both validate the same
limits, answer a bad header the same way (422 `invalid_request`), and `/openapi.json`
documents both the same (`KIOSK_HEADERS_OPENAPI`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from appliance.models import column_length
from appliance.store import Kiosk

KIOSK_NAME_MAX = column_length(Kiosk.name)
AUTHORIZATION_MAX = 512
# the kiosk's random id for one tap (docs/api.md): letters, digits, - and _, bounded
TAP_ID_PATTERN = r"^[A-Za-z0-9_-]+$"
TAP_ID_LENGTH = (8, 64)

XKiosk = Annotated[str | None, Header(max_length=KIOSK_NAME_MAX)]
Authorization = Annotated[str | None, Header(max_length=AUTHORIZATION_MAX)]


class KioskHeaders(BaseModel):
    x_kiosk: str | None = Field(default=None, max_length=KIOSK_NAME_MAX)
    authorization: str | None = Field(default=None, max_length=AUTHORIZATION_MAX)
    x_tap_id: str | None = Field(
        default=None,
        min_length=TAP_ID_LENGTH[0],
        max_length=TAP_ID_LENGTH[1],
        pattern=TAP_ID_PATTERN,
    )
    # the kiosk's random id for one factor step, the same when it sends it again
    # (appliance.steps): the same rule as a tap's id
    x_step_id: str | None = Field(
        default=None,
        min_length=TAP_ID_LENGTH[0],
        max_length=TAP_ID_LENGTH[1],
        pattern=TAP_ID_PATTERN,
    )


# field -> header, as FastAPI names a header parameter (underscores become hyphens)
_HEADERS = {field: field.replace("_", "-") for field in KioskHeaders.model_fields}


# raw ASGI header name (lower case) -> field
_FIELDS = {header.encode("latin-1"): field for field, header in _HEADERS.items()}


def read_kiosk_headers(request: Request) -> KioskHeaders:
    # one pass over the raw headers (a `request.headers.get` scans them all per name); the
    # first of a repeated header counts, as with `request.headers`
    given: dict[str, str] = {}
    for name, value in request.scope["headers"]:
        field = _FIELDS.get(name)
        if field is not None and field not in given:
            given[field] = value.decode("latin-1")
    try:
        return KioskHeaders.model_validate(given)
    except ValidationError as error:
        # where FastAPI would say it went wrong; never the value (it may be a secret)
        problems = [
            {**problem, "loc": ("header", _HEADERS[str(problem["loc"][0])])}
            for problem in error.errors(include_input=False, include_url=False)
        ]
        raise RequestValidationError(problems) from None


def _documented() -> dict[str, Any]:
    schemas = KioskHeaders.model_json_schema()["properties"]
    return {
        "parameters": [
            {"name": header, "in": "header", "required": False, "schema": schemas[field]}
            for field, header in _HEADERS.items()
        ]
    }


KIOSK_HEADERS_OPENAPI = _documented()
