"""The user's session: start the session commands, notice their end, and on a switch close the
previous user's known Spine applications without losing work.

    runner = SessionRunner(parse(config["session"], path), on_exit=...)
    runner.start(SessionUser(...))     # after a login
    report = runner.end()              # on a tap-over, off the UI thread; then start the next
"""

from greeter.session.launcher import SessionStartError, SessionUser
from greeter.session.report import AppOutcome, AppsClosedReport, HookOutcome
from greeter.session.runner import SessionRunner
from greeter.session.settings import Hook, SessionSettings, SpineApp, parse

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
