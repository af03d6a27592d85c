"""The API's 4xx errors: a stable `code` and one plain sentence, never a stack trace."""

from __future__ import annotations

from starlette.responses import JSONResponse


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def as_response(error: ApiError) -> JSONResponse:
    body = {"code": error.code, "message": error.message}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def rate_limited(message: str, wait: float) -> ApiError:
    """429 with the whole seconds to wait (at least one) in `Retry-After`."""
    return ApiError(429, "rate_limited", message, {"Retry-After": str(max(1, round(wait + 0.5)))})


def invalid_request(message: str) -> ApiError:
    return ApiError(400, "invalid_request", message)


def state_invalid() -> ApiError:
    return ApiError(
        400, "state_invalid", "This login step is unknown or was already used; tap again."
    )


def state_expired() -> ApiError:
    return ApiError(400, "state_expired", "This login step timed out; tap again.")


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)
