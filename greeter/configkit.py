"""Reading sections of the kiosk's TOML config with errors that name file, key and fix."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config value that cannot be used; the message names the file, the key and the fix."""

    def __init__(self, path: str, key: str, problem: str, fix: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {key}: {problem}; {fix}")


def get(
    table: dict[str, Any],
    key: str,
    kind: type[T] | tuple[type, ...],
    default: T,
    *,
    path: str,
    prefix: str,
) -> T:
    """`table[key]` if present and of `kind`, else `default`; a wrong type is a ConfigError."""
    if key not in table:
        return default
    value = table[key]
    # bool is an int in Python; a TOML `true` where a number belongs is still a mistake
    if (
        isinstance(value, bool)
        and kind is not bool
        and not (isinstance(kind, tuple) and bool in kind)
    ):
        raise ConfigError(
            path, f"{prefix}{key}", "expected a number, got true/false", "fix the value"
        )
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(
            path, f"{prefix}{key}", f"expected {names}, got {type(value).__name__}", "fix the value"
        )
    return value  # type: ignore[return-value]


def reject_unknown(table: dict[str, Any], known: set[str], *, path: str, prefix: str) -> None:
    """A misspelt key silently ignored is a kiosk misconfigured: name it."""
    for key in table:
        if key not in known:
            raise ConfigError(
                path,
                f"{prefix}{key}",
                "unknown key",
                f"remove it or use one of: {', '.join(sorted(known))}",
            )
