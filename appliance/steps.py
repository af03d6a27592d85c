"""Factor steps a kiosk may send again: `X-Step-Id` on `POST /v1/auth` (docs/api.md).

A kiosk names each PIN, password or enrolment it sends with a random step id, the same when it
sends it again. The step's row (`auth_steps`, keyed by kiosk and id: another kiosk's id is
another row) is written in the transaction that takes the state token and reserves the guess,
with what they took (`pending.Held`, never the secret) and which instance is checking it, and
gets its reply, sealed, in the transaction of the decision. A resend of the same step id:

- decided: the same reply, nothing checked or counted again (no second session);
- still being checked by a live instance: `409 step_running`, and the kiosk asks again;
- taken by an instance that is gone (its lease ran out): this instance takes the step over,
  with the state and the slot the first one held, and judges the factor; nothing is taken or
  counted again.

An instance keeps its lease on the steps it checks alive from a thread of its own
(`Heartbeat`). Taking over and recording a decision are fenced: a decision is kept only if
its instance still holds the step, so two instances never both decide one step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from appliance import attempts, errors, tickets
from appliance.db import Database, core
from appliance.keys import Keys
from appliance.lifespan import while_serving
from appliance.login_tx import Tx
from appliance.models import AuthRequest
from appliance.pending import Held, Outcome, Pending
from appliance.replies import AuthReply, Reply
from appliance.states import Step
from appliance.store import AuthStep, Base

log = logging.getLogger(__name__)
# an instance that has not renewed its lease for this long is taken as gone
LEASE_SECONDS = 3.0
RENEW_EVERY_SECONDS = 1.0
# a step stuck this long (a check that never came back) is renewed no longer
HOLD_AT_MOST_SECONDS = 120.0
# how long a decided step's reply is kept for a resend
KEEP_SECONDS = 600
_PURPOSE = b"tapkiosk step reply\0"
_REPLY: TypeAdapter[Reply] = TypeAdapter(AuthReply)

_steps = Base.metadata.tables[AuthStep.__tablename__]
_c = _steps.c
_THIS = _c.step_sha256 == bindparam("key")
_OPEN = _c.outcome.is_(None)
_MINE = _c.instance == bindparam("me")
_READ = select(_c.request_sha256, _c.instance, _c.lease_until, _c.outcome).where(_THIS)
_TAKE_OVER = (
    update(_steps)
    .where(_THIS, _OPEN, _c.lease_until <= bindparam("now"))
    .values(instance=bindparam("me"), lease_until=bindparam("until"))
    .returning(_c.held)
)
_HOLD = update(_steps).where(_THIS, _MINE).values(held=bindparam("held"))
_DECIDE = update(_steps).where(_THIS, _MINE, _OPEN).values(outcome=bindparam("sealed"), held=None)
_RENEW = (
    update(_steps)
    .where(_c.step_sha256.in_(bindparam("keys", expanding=True)), _MINE, _OPEN)
    .values(lease_until=bindparam("until"))
)
# a claim its step never held anything under (the step failed): the next resend runs afresh
_RELEASE = delete(_steps).where(_THIS, _MINE, _OPEN, _c.held.is_(None))
_FORGET = delete(_steps).where(_c.created_at < bindparam("before"))


def _claim(dialect: Any) -> Any:
    return dialect.insert(_steps).on_conflict_do_nothing().returning(_c.step_sha256)


_CLAIM = {"sqlite": _claim(sqlite), "postgresql": _claim(postgresql)}


def step_running() -> errors.ApiError:
    return errors.ApiError(
        409,
        "step_running",
        "This step is still being checked; send it again shortly.",
        {"Retry-After": "1"},
    )


def request_digest(request: AuthRequest) -> str:
    """What a resend must repeat: the kind of step, its state, the typed name and domain.
    Never the secret."""
    factor, enroll = request.factor, request.enroll
    parts = [
        factor.type if factor is not None else "",
        enroll.type if enroll is not None else "",
        request.state or "",
        getattr(factor, "id", None) or "",
        getattr(factor, "username", None) or "",
        getattr(factor, "domain", None) or "",
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _key(kiosk: str, step_id: str) -> str:
    return hashlib.sha256(f"{kiosk}\0{step_id}".encode()).hexdigest()


def _held_text(held: Held) -> str:
    step, slot = held.step, held.slot
    return json.dumps(
        {
            "step": [step.step, step.method, step.user_id, step.card_key],
            "proven": sorted(step.proven),
            "bind_card": step.bind_card,
            "slot": [slot.username, slot.domain, slot.number] if slot is not None else None,
            "username": held.username,
        }
    )


def _held(text: str) -> Held:
    data = json.loads(text)
    name, method, user_id, card_key = data["step"]
    slot = attempts.Slot(*data["slot"]) if data["slot"] is not None else None
    step = Step(name, method, user_id, card_key, frozenset(data["proven"]), data["bind_card"])
    return Held(step, slot, data["username"])


@dataclass(frozen=True)
class _Replay:
    reply: Reply


@dataclass(frozen=True)
class _Resume:
    held: Held | None  # None: the step it took over had held nothing (it runs afresh)
    previous: str


_Claim = _Replay | _Resume | None  # None: a new step, claimed by this instance


class Steps:
    """This instance's side of the named steps: one per server process, with its own id."""

    def __init__(self, keys: Keys, clock: Callable[[], dt.datetime]) -> None:
        self.keys, self.clock = keys, clock
        self.instance = secrets.token_hex(8)
        self._lock = threading.Lock()
        self._checking: dict[str, float] = {}  # step key -> when its check began (monotonic)

    def run(
        self,
        tx: Tx,
        kiosk: str,
        step_id: str,
        request: AuthRequest,
        step: Callable[[Tx, Held | None], Outcome],
    ) -> Outcome:
        """Phase one of a named step: its claim, then the step itself (or what a resend gets),
        committed together."""
        key = _key(kiosk, step_id)
        tx.deferred = True
        try:
            claim = self._claim(tx, key, request_digest(request))
            if isinstance(claim, _Replay):
                tx.note("step_replayed", kiosk=kiosk)
                tx.deferred = False
                tx.commit()
                return claim.reply
            held = None
            if isinstance(claim, _Resume) and claim.held is not None:
                held = claim.held
                tx.note(
                    "step_taken_over",
                    kiosk=kiosk,
                    username=held.username,
                    step=held.step.step,
                    instance=self.instance,
                    previous=claim.previous,
                )
            outcome = step(tx, held)
            if isinstance(outcome, Pending):
                assert outcome.held is not None, "a pending step holds what it took"
                names = {"key": key, "me": self.instance, "held": _held_text(outcome.held)}
                core(tx.db).execute(_HOLD, names)
            else:
                self._decide(tx, key, outcome)
            tx.deferred = False
            tx.commit()
        except BaseException:
            tx.db.rollback()
            self._release(tx, key)
            raise
        if not isinstance(outcome, Pending):
            return outcome
        self._begin_check(key)
        return self._pending(key, outcome)

    def _claim(self, tx: Tx, key: str, digest: str) -> _Claim:
        now = self.clock()
        until = now + dt.timedelta(seconds=LEASE_SECONDS)
        row = {
            "step_sha256": key,
            "request_sha256": digest,
            "instance": self.instance,
            "lease_until": until,
            "created_at": now,
            "held": None,
            "outcome": None,
        }
        connection = core(tx.db)
        if connection.execute(_CLAIM[connection.dialect.name], row).first() is not None:
            return None
        found = connection.execute(_READ, {"key": key}).first()
        if found is None:  # decided and forgotten between the two statements: long gone
            raise errors.state_invalid()
        if found.request_sha256 != digest:
            raise errors.invalid_request("This X-Step-Id was sent with another request.")
        if found.outcome is not None:
            return _Replay(self._open(found.outcome))
        if found.lease_until > now:
            raise step_running()
        names = {"key": key, "now": now, "me": self.instance, "until": until}
        taken = connection.execute(_TAKE_OVER, names).first()
        if taken is None:  # another instance took it over, or decided it, first
            raise step_running()
        return _Resume(_held(taken.held) if taken.held is not None else None, found.instance)

    def _decide(self, tx: Tx, key: str, reply: Reply) -> None:
        """Record the decision with it, if this instance still holds the step; else the one
        that took it over decides (the kiosk asks again and gets its reply)."""
        sealed = tickets.seal(self.keys, reply.json_body().decode(), purpose=_PURPOSE)
        names = {"key": key, "me": self.instance, "sealed": sealed}
        if core(tx.db).execute(_DECIDE, names).rowcount != 1:
            raise step_running()

    def _open(self, sealed: str) -> Reply:
        text = tickets.unseal(self.keys, sealed, purpose=_PURPOSE)
        if text is None:  # sealed under a key since deleted: as good as forgotten
            raise errors.state_invalid()
        return _REPLY.validate_json(text)

    def _release(self, tx: Tx, key: str) -> None:
        try:
            core(tx.db).execute(_RELEASE, {"key": key, "me": self.instance})
            tx.db.commit()
        except SQLAlchemyError:
            tx.db.rollback()  # the step's own error is the one to answer; the lease runs out

    def _pending(self, key: str, pending: Pending[Any]) -> Pending[Any]:
        """The check and decision of a held step: the decision recorded with it, fenced."""

        def check() -> Any:
            try:
                return pending.check()
            except BaseException:
                self._end_check(key)
                raise

        def finish(tx: Tx, checked: Any) -> Reply:
            tx.deferred = True
            try:
                reply = pending.finish(tx, checked)
                self._decide(tx, key, reply)
                tx.deferred = False
                tx.commit()
                return reply
            except BaseException:
                tx.db.rollback()
                raise
            finally:
                self._end_check(key)

        return Pending(check, finish, pending.argon2, pending.held)

    # -- the lease ----------------------------------------------------------------------------

    def _begin_check(self, key: str) -> None:
        with self._lock:
            self._checking[key] = time.monotonic()

    def _end_check(self, key: str) -> None:
        with self._lock:
            self._checking.pop(key, None)

    def renew(self, engine: Engine) -> None:
        """Keep this instance's lease on the steps it is checking (a few statements a second
        at most, none while it checks nothing)."""
        now = time.monotonic()
        with self._lock:
            for key, began in list(self._checking.items()):
                if now - began > HOLD_AT_MOST_SECONDS:
                    del self._checking[key]
            keys = list(self._checking)
        if not keys:
            return
        until = self.clock() + dt.timedelta(seconds=LEASE_SECONDS)
        with engine.begin() as connection:
            connection.execute(_RENEW, {"keys": keys, "me": self.instance, "until": until})

    def forget(self, db: Database) -> None:
        """Steps decided (or abandoned) long enough ago that no kiosk sends them again."""
        before = self.clock() - dt.timedelta(seconds=KEEP_SECONDS)
        core(db).execute(_FORGET, {"before": before})


class Heartbeat:
    """A thread renewing the instance's leases, from start-up to shut-down."""

    def __init__(self, steps: Steps, engine: Engine) -> None:
        self.steps, self.engine = steps, engine
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="step-leases", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(RENEW_EVERY_SECONDS * 5)

    def _run(self) -> None:
        while not self.stopping.wait(RENEW_EVERY_SECONDS):
            try:
                self.steps.renew(self.engine)
            except SQLAlchemyError as error:
                log.warning("unable to renew the leases of steps being checked: %s", error)


def keep_leases(app: FastAPI, steps: Steps, engine: Engine) -> None:
    """Renew the instance's leases on the steps it checks while it serves."""
    heartbeat = Heartbeat(steps, engine)

    def begin() -> Callable[[], None]:
        heartbeat.start()
        return heartbeat.stop

    while_serving(app, begin)
