"""The API's 4xx errors: a stable `code` and one plain sentence, never a stack trace."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


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
