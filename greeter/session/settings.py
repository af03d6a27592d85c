"""The `[session]` section of the kiosk config: what to start, which Spine apps to close, hooks.

    [session]
    commands = [["/usr/bin/firefox", "--kiosk", "https://portal.example"]]
    close_budget_seconds = 15
    lock_after_idle_seconds = 300    # 0: never lock for inactivity

    [[session.spine_app]]
    name = "Spine portal"
    match_exe = "firefox"            # or match_cmdline = "regex"
    close_command = ["wmctrl", "-c", "{name}"]   # optional
    signal = "SIGTERM"
    wait_seconds = 5

    [[session.hook]]
    name = "jp2launcher"
    command = ["/usr/lib/tapkiosk/hooks/close-java", "{user}"]
    timeout_seconds = 5

The first command is the session's main command: when it ends by itself, the session is over.
Commands may use {user}, {domain}, {display_name}, {role} and {session_id}; close commands
{pid}, {name}, {exe} and {user}; hooks {user} and {domain}.
"""

from __future__ import annotations

import re
import signal
import string
from dataclasses import dataclass
from typing import Any

from greeter.configkit import ConfigError, get, reject_unknown

SESSION_FIELDS = frozenset({"user", "domain", "display_name", "role", "session_id"})
CLOSE_FIELDS = frozenset({"pid", "name", "exe", "user"})
HOOK_FIELDS = frozenset({"user", "domain"})

DEFAULT_BUDGET_SECONDS = 15.0
DEFAULT_APP_WAIT_SECONDS = 5.0
DEFAULT_HOOK_TIMEOUT_SECONDS = 5.0
# signals an app may be asked to close with; SIGKILL is the last resort, never the request
CLOSE_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")


@dataclass(frozen=True)
class SpineApp:
    """A known clinical application to close when its user leaves the kiosk."""

    name: str
    match_exe: str | None
    match_cmdline: re.Pattern[str] | None
    close_command: tuple[str, ...] | None
    signal: signal.Signals
    wait_seconds: float


@dataclass(frozen=True)
class Hook:
    """An executable run on switch with the previous user's name (apps started indirectly)."""

    name: str
    command: tuple[str, ...]
    timeout_seconds: float


@dataclass(frozen=True)
class SessionSettings:
    commands: tuple[tuple[str, ...], ...]
    spine_apps: tuple[SpineApp, ...] = ()
    hooks: tuple[Hook, ...] = ()
    close_budget_seconds: float = DEFAULT_BUDGET_SECONDS
    # lock the session after this long with no keyboard or pointer input; 0 never
    lock_after_idle_seconds: float = 0.0


def fill(template: tuple[str, ...], values: dict[str, str]) -> list[str]:
    """Substitute `{field}` placeholders; fields were checked by `parse`, so none is missing."""
    return [part.format_map(values) for part in template]


def parse(table: dict[str, Any], path: str) -> SessionSettings:
    """Read the `[session]` table; every mistake is a ConfigError naming file, key and fix."""
    prefix = "session."
    reject_unknown(
        table,
        {"commands", "close_budget_seconds", "lock_after_idle_seconds", "spine_app", "hook"},
        path=path,
        prefix=prefix,
    )
    if "commands" not in table:
        raise ConfigError(
            path,
            f"{prefix}commands",
            "missing",
            'add the session command(s), e.g. commands = [["/usr/bin/firefox", "--kiosk"]]',
        )
    raw_commands = get(table, "commands", list, [], path=path, prefix=prefix)
    if not raw_commands:
        raise ConfigError(
            path, f"{prefix}commands", "is empty", "list at least one command to start"
        )
    commands = tuple(
        _argv(raw, f"{prefix}commands[{index}]", SESSION_FIELDS, path)
        for index, raw in enumerate(raw_commands)
    )
    budget = _positive(table, "close_budget_seconds", DEFAULT_BUDGET_SECONDS, path, prefix)
    idle_lock = float(
        get(table, "lock_after_idle_seconds", (int, float), 0, path=path, prefix=prefix)
    )
    if idle_lock < 0:
        raise ConfigError(
            path,
            f"{prefix}lock_after_idle_seconds",
            f"must be 0 or more, got {idle_lock:g}",
            "use 0 to never lock for inactivity",
        )
    spine_apps = tuple(
        _spine_app(raw, f"{prefix}spine_app[{index}].", path)
        for index, raw in enumerate(_tables(table, "spine_app", path, prefix))
    )
    hooks = tuple(
        _hook(raw, f"{prefix}hook[{index}].", path)
        for index, raw in enumerate(_tables(table, "hook", path, prefix))
    )
    _unique_names([app.name for app in spine_apps], f"{prefix}spine_app", path)
    _unique_names([hook.name for hook in hooks], f"{prefix}hook", path)
    return SessionSettings(
        commands=commands,
        spine_apps=spine_apps,
        hooks=hooks,
        close_budget_seconds=budget,
        lock_after_idle_seconds=idle_lock,
    )


def _tables(table: dict[str, Any], key: str, path: str, prefix: str) -> list[dict[str, Any]]:
    items = get(table, key, list, [], path=path, prefix=prefix)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ConfigError(
                path,
                f"{prefix}{key}[{index}]",
                f"expected a table, got {type(item).__name__}",
                f"write it as [[{prefix}{key}]] with its keys below",
            )
    return items


def _spine_app(raw: dict[str, Any], prefix: str, path: str) -> SpineApp:
    reject_unknown(
        raw,
        {"name", "match_exe", "match_cmdline", "close_command", "signal", "wait_seconds"},
        path=path,
        prefix=prefix,
    )
    name = _name(raw, path, prefix)
    match_exe = get(raw, "match_exe", str, "", path=path, prefix=prefix) or None
    pattern = get(raw, "match_cmdline", str, "", path=path, prefix=prefix) or None
    if (match_exe is None) == (pattern is None):
        raise ConfigError(
            path,
            f"{prefix}match_exe",
            "needs exactly one of match_exe or match_cmdline",
            'set match_exe = "firefox" (executable name) or match_cmdline = "regex"',
        )
    if match_exe is not None and "/" in match_exe:
        raise ConfigError(
            path,
            f"{prefix}match_exe",
            "is a path, not an executable name",
            f'use the name only, e.g. match_exe = "{match_exe.rsplit("/", 1)[-1]}"',
        )
    match_cmdline = None
    if pattern is not None:
        try:
            match_cmdline = re.compile(pattern)
        except re.error as error:
            raise ConfigError(
                path,
                f"{prefix}match_cmdline",
                f"not a valid regular expression ({error})",
                "fix the pattern (Python re syntax)",
            ) from None
    close_command = None
    if "close_command" in raw:
        close_command = _argv(raw["close_command"], f"{prefix}close_command", CLOSE_FIELDS, path)
    signal_name = get(raw, "signal", str, "SIGTERM", path=path, prefix=prefix).upper()
    if signal_name not in CLOSE_SIGNALS:
        raise ConfigError(
            path,
            f"{prefix}signal",
            f"{signal_name!r} is not a signal an app can be asked to close with",
            f"use one of: {', '.join(CLOSE_SIGNALS)}",
        )
    wait = _positive(raw, "wait_seconds", DEFAULT_APP_WAIT_SECONDS, path, prefix)
    return SpineApp(
        name=name,
        match_exe=match_exe,
        match_cmdline=match_cmdline,
        close_command=close_command,
        signal=signal.Signals[signal_name],
        wait_seconds=wait,
    )


def _hook(raw: dict[str, Any], prefix: str, path: str) -> Hook:
    reject_unknown(raw, {"name", "command", "timeout_seconds"}, path=path, prefix=prefix)
    name = _name(raw, path, prefix)
    if "command" not in raw:
        raise ConfigError(
            path, f"{prefix}command", "missing", 'add command = ["/path/to/hook", "{user}"]'
        )
    command = _argv(raw["command"], f"{prefix}command", HOOK_FIELDS, path)
    timeout = _positive(raw, "timeout_seconds", DEFAULT_HOOK_TIMEOUT_SECONDS, path, prefix)
    return Hook(name=name, command=command, timeout_seconds=timeout)


def _name(raw: dict[str, Any], path: str, prefix: str) -> str:
    name = get(raw, "name", str, "", path=path, prefix=prefix).strip()
    if not name:
        raise ConfigError(path, f"{prefix}name", "missing", 'give it a name, e.g. name = "ICE"')
    return name


def _argv(raw: Any, key: str, fields: frozenset[str], path: str) -> tuple[str, ...]:
    """A command as a non-empty list of strings whose placeholders are all known."""
    if not isinstance(raw, list) or not raw or not all(isinstance(part, str) for part in raw):
        raise ConfigError(
            path,
            key,
            "expected a non-empty list of strings",
            'write it as ["/path/to/program", "arg", ...]',
        )
    for part in raw:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(part) if name is not None}
        except ValueError as error:
            raise ConfigError(
                path, key, f"bad placeholder in {part!r} ({error})", "write {{ and }} for braces"
            ) from None
        unknown = names - fields
        if unknown:
            raise ConfigError(
                path,
                key,
                f"unknown placeholder {{{sorted(unknown)[0]}}} in {part!r}",
                f"use one of: {', '.join('{' + f + '}' for f in sorted(fields))}",
            )
    return tuple(raw)


def _positive(table: dict[str, Any], key: str, default: float, path: str, prefix: str) -> float:
    value = float(get(table, key, (int, float), default, path=path, prefix=prefix))
    if not value > 0:
        raise ConfigError(path, f"{prefix}{key}", f"must be more than 0, got {value:g}", "fix it")
    return value


def _unique_names(names: list[str], key: str, path: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(path, key, f"two entries named {name!r}", "give each its own name")
        seen.add(name)
