"""The rules of a cached offline login, pure: how long an entry lasts, when it may be used and
what a guess does to it. The shell (`greeter.offline_cache`) keeps the entries on disk and
hands the clock in; nothing here reads it.

An entry is made at a card + PIN login the appliance allowed to be cached (`ok.offline`): it
lasts the policy's window by the kiosk's clock (never more than MAX_WINDOW_SECONDS, whatever the
appliance says), and MAX_OFFLINE_FAILURES wrong PINs in a row lock it for the rest of its
window. Only the next card + PIN login with the appliance makes a fresh entry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

MAX_WINDOW_SECONDS = 24 * 3600
MAX_OFFLINE_FAILURES = 5

# what a tap finds in the cache ("unused": no entry at all, offline login is not in use here)
Verdict = Literal["usable", "expired", "locked", "none", "unused"]
# what happened offline, as the appliance's audit gets it (`offline_<outcome>`)
Outcome = Literal["login", "bad_pin", "locked", "refused"]


@dataclass(frozen=True)
class CachedUser:
    """Who a cached entry signs in (no secret: the verifier stays in the shell)."""

    username: str
    domain: str
    display_name: str


@dataclass(frozen=True)
class Entry:
    """One cached login: its user, the end of its window (seconds since the epoch, the
    kiosk's clock) and the wrong PINs in a row so far."""

    user: CachedUser
    until: float
    failures: int = 0


def window_end(now: float, window_seconds: int) -> float:
    """The end of a new entry's window: the policy's, capped."""
    return now + max(0, min(window_seconds, MAX_WINDOW_SECONDS))


def verdict(entry: Entry | None, now: float) -> Verdict:
    if entry is None:
        return "none"
    if now >= entry.until:
        return "expired"
    if entry.failures >= MAX_OFFLINE_FAILURES:
        return "locked"
    return "usable"


def attempts_left(entry: Entry) -> int:
    return max(MAX_OFFLINE_FAILURES - entry.failures, 0)


def after_guess(entry: Entry, right: bool) -> tuple[Entry, Outcome]:
    """A checked PIN on a usable entry: a right one signs in and clears the count; a wrong
    one counts, and the one that reaches the limit locks the entry."""
    if right:
        return replace(entry, failures=0), "login"
    counted = replace(entry, failures=entry.failures + 1)
    return counted, "locked" if counted.failures >= MAX_OFFLINE_FAILURES else "bad_pin"
