"""The body of `POST /v1/auth`, read by hand: one pydantic call from the request's bytes.

Every tap and PIN goes through this route. FastAPI's own body parameter parses the JSON with
`json.loads`, works out the content type with `email.message` and validates the resulting dict
through its dependency solver: 0.13 M instructions of a card+PIN login more than one
`model_validate_json` (bench.appliance_overhead). Read here instead, the body keeps FastAPI's
rules (a JSON content type is required; a missing or malformed body is 422 `invalid_request`,
naming where, never the value) and `/openapi.json` still documents it, from the model's own
JSON schema (`document_auth_body`): the fuzzing suite generates bodies from it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from appliance.models import AuthRequest

_REF = "#/components/schemas/{model}"
_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="AuthRequest")}}},
    },
    "responses": {
        "422": {
            "description": "Validation Error",
            "content": {
                "application/json": {"schema": {"$ref": _REF.format(model="HTTPValidationError")}}
            },
        }
    },
}


def _json(content_type: str | None) -> bool:
    """`application/json` or `application/*+json`, parameters aside (FastAPI's rule)."""
    if content_type is None:
        return False
    main, _, sub = content_type.partition(";")[0].strip().lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def _invalid(error: ValidationError) -> RequestValidationError:
    # located under "body" as FastAPI locates them; the input is left out (it may be a PIN)
    return RequestValidationError(
        [
            {**problem, "loc": ("body", *problem["loc"])}
            for problem in error.errors(include_input=False, include_url=False)
        ]
    )


async def read_auth_body(request: Request) -> AuthRequest:
    body = await request.body()
    if not body:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required"}
        raise RequestValidationError([missing])
    try:
        if _json(request.headers.get("content-type")):
            return AuthRequest.model_validate_json(body)
        return AuthRequest.model_validate(body)  # not JSON: refused as FastAPI refuses it
    except ValidationError as error:
        raise _invalid(error) from None


def auth_body_openapi(extra: dict[str, Any]) -> dict[str, Any]:
    """The route's `openapi_extra`: `extra` with the body and its 422 documented."""
    return {**extra, **_OPENAPI}


def document_auth_body(app: FastAPI) -> None:
    """Put `AuthRequest` and the models it names into the schema's components, where FastAPI
    would have put them had it read the body itself."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            body = AuthRequest.model_json_schema(ref_template=_REF)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(body.pop("$defs", {}))
            components["AuthRequest"] = body
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
