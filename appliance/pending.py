"""A login step waiting on a secret's check (`Pending`), and what it took first (`Held`).

A step that checks a secret comes back as `Pending`: its state token is taken and its guess
reserved (`appliance.attempts`) and committed first, then the check (Argon2id, or the LDAP
bind) runs outside any transaction, then `finish` decides on a fresh connection. The route runs
these phases on the event loop or a worker thread; the steps are the same whatever the database.

What a step took before its check is its `Held` (its state, its guess's slot): a step the
kiosk named (`appliance.steps`) keeps it, and when the instance checking it dies, another
passes it back in (`held=`) and judges the same guess without taking or counting anything again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from appliance import attempts, errors
from appliance.login_tx import Tx
from appliance.replies import Reply
from appliance.states import Step, StepName

T = TypeVar("T")


class Held(NamedTuple):
    """What a secret step took before its check: its state (the step it answers), the slot of
    its guess (none when setting a PIN), and whose it is (for the audit). A named tuple: as
    immutable as a frozen dataclass, built in half the time."""

    step: Step
    slot: attempts.Slot | None
    username: str


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A step waiting on a secret's check: `check` runs with no transaction open (`argon2`:
    on a hash thread; else it may wait on the network), then `finish` decides."""

    check: Callable[[], T]
    finish: Callable[[Tx, T], Reply]
    argon2: bool = True
    held: Held | None = None


Outcome = Reply | Pending[Any]


def resumed(held: Held, wanted: StepName | Step) -> Step:
    """The held step, if it is the one this request answers (the step id's request digest
    already ties the two; this is the last word)."""
    same = held.step == wanted if isinstance(wanted, Step) else held.step.step == wanted
    if not same:
        raise errors.invalid_request("X-Step-Id names another kind of step.")
    return held.step
