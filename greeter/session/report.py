"""What ending a session did: which apps closed on their own, which had to be killed, hooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# graceful: exited after its close command or signal; forced: SIGKILL was needed;
# gone: exited before we asked anything (nothing to do); failed: the closer itself broke (logged)
AppResult = Literal["graceful", "forced", "gone", "failed"]
HookResult = Literal["ok", "failed", "timed_out"]


@dataclass(frozen=True)
class AppOutcome:
    """One closed application instance (a Spine app, or one of the session's own commands)."""

    name: str
    pid: int
    kind: Literal["spine_app", "session"]
    result: AppResult
    duration_ms: int
    # what was tried, for the log: "close_command", "SIGTERM", "SIGKILL", and any close-command
    # failure ("close command exited 1") -- never anything the user typed
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class HookOutcome:
    name: str
    result: HookResult
    returncode: int | None
    duration_ms: int
    detail: str = ""


@dataclass(frozen=True)
class AppsClosedReport:
    """The data behind the `apps_closed` event; `graceful`/`forced` count every closed instance,
    Spine apps and the session's commands alike, so a forced kill is never hidden."""

    user: str
    graceful: int
    forced: int
    duration_ms: int
    apps: tuple[AppOutcome, ...] = ()
    hooks: tuple[HookOutcome, ...] = ()

    @classmethod
    def build(
        cls,
        user: str,
        duration_ms: int,
        apps: tuple[AppOutcome, ...],
        hooks: tuple[HookOutcome, ...],
    ) -> AppsClosedReport:
        return cls(
            user=user,
            graceful=sum(1 for app in apps if app.result == "graceful"),
            forced=sum(1 for app in apps if app.result == "forced"),
            duration_ms=duration_ms,
            apps=apps,
            hooks=hooks,
        )

    @property
    def failed_hooks(self) -> tuple[HookOutcome, ...]:
        return tuple(hook for hook in self.hooks if hook.result != "ok")

    def event(self) -> dict[str, Any]:
        """The `apps_closed` event-log record (DESIGN.md contract) plus the time it took."""
        return {
            "event": "apps_closed",
            "user": self.user,
            "graceful": self.graceful,
            "forced": self.forced,
            "duration_ms": self.duration_ms,
            "hooks_failed": [hook.name for hook in self.failed_hooks],
        }
