"""The user's session: start the session commands, notice their end, and on a switch close the
previous user's known Spine applications without losing work.

    runner = SessionRunner(parse(config["session"], path), on_exit=...)
    runner.start(SessionUser(...))     # after a login
    report = runner.end()              # on a tap-over, off the UI thread; then start the next

The names load on first use (PEP 562): the greeter reads `[session]` at start-up, but the
runner, psutil and the closer are only needed at the first login, after the idle screen is up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from greeter.session.launcher import SessionStartError, SessionUser
    from greeter.session.report import AppOutcome, AppsClosedReport, HookOutcome
    from greeter.session.runner import SessionRunner
    from greeter.session.settings import Hook, SessionSettings, SpineApp, parse

_HOMES = {
    "AppOutcome": "report",
    "AppsClosedReport": "report",
    "Hook": "settings",
    "HookOutcome": "report",
    "SessionRunner": "runner",
    "SessionSettings": "settings",
    "SessionStartError": "launcher",
    "SessionUser": "launcher",
    "SpineApp": "settings",
    "parse": "settings",
}

__all__ = [
    "AppOutcome",
    "AppsClosedReport",
    "Hook",
    "HookOutcome",
    "SessionRunner",
    "SessionSettings",
    "SessionStartError",
    "SessionUser",
    "SpineApp",
    "parse",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
