"""Simulated kiosks signing in against appliance instances, for the fail-over test and
`bench.appliance_failover`: each kiosk is the greeter's own appliance client
(`greeter.backend.Backend`, its URL list and fail-over) and its own event log, signing its own
user in with card and PIN, then out, again and again.

A PIN whose answer was lost is sent again by the client itself, under its step id, to the
other instance (it finishes the step there, with no new tap); a step that fails all the same
is done again the way a user would: from the tap, and counted (`pin_lost`: the issue's goal is
none). A login is lost only if its user could not sign in at all before the kiosk gave up
(`GIVE_UP_SECONDS` of failures in a row).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import update

from appliance.admin import NewUser, add_kiosk, add_user
from appliance.audit import Auditor
from appliance.config import load_settings
from appliance.db import make_engine, session_factory
from appliance.local import LocalAppliance
from appliance.store import Policy
from greeter.backend import Backend, BackendSettings, Rejected, Unreachable
from greeter.events import EventLog
from greeter.flow.wire import AuthContinue, AuthOk, CardFactor, PinFactor

PIN = "2580"
GIVE_UP_SECONDS = 30.0
RETRY_PAUSE_SECONDS = 0.05


@dataclass(frozen=True)
class Seat:
    """One kiosk and the user who signs in at it."""

    kiosk: str
    secret: str
    card: str


def seat_fleet(appliance: LocalAppliance, count: int) -> list[Seat]:
    """`count` kiosks, each with its own user (card and PIN) in `appliance`'s database, and no
    tap-and-go grace: every login is a card and a PIN (an Argon2id check)."""
    settings = load_settings(appliance.state_dir)
    engine = make_engine(settings.db_url)
    seats = []
    try:
        with session_factory(engine)() as db:
            audit = Auditor()
            for number in range(count):
                card = f"04F1EE{number:08X}"
                name = f"fleet{number:03d}"
                user = NewUser(name, "DEMO", f"Fleet {number}", pin=PIN, cards=(card,))
                add_user(db, user, settings.hash_cost, settings.keys, audit)
                seats.append(Seat(f"kiosk-{name}", add_kiosk(db, f"kiosk-{name}", audit), card))
            db.execute(update(Policy).where(Policy.name == "default").values(grace_seconds=0))
            db.commit()
    finally:
        engine.dispose()
    return seats


@dataclass
class Tally:
    """What the fleet did; `lost` must stay 0."""

    logins: int = 0
    # card step answered by one instance, PIN step by another: a login in flight moved over
    continued: int = 0
    # steps whose answer was lost, done again from the tap
    retried: int = 0
    # of those, PIN steps: the card was tapped, its PIN sent, and the user had to tap again
    pin_lost: int = 0
    lost: int = 0
    failovers: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def problem(self, text: str) -> None:
        with self._lock:
            self.problems[text] += 1


class Unexpected(Exception):
    """An answer a seated user's login never gets (the seat's user is known, her PIN right)."""


class Kiosk:
    def __init__(self, seat: Seat, urls: list[str], ca: Path, log: Path, tally: Tally) -> None:
        self.seat = seat
        self.tally = tally
        self.log = EventLog(str(log), seat.secret.encode())
        self.backend = Backend(
            BackendSettings(
                urls[0], str(ca), seat.kiosk, seat.secret, 3.0, 30.0, failover_urls=tuple(urls[1:])
            ),
            on_failover=self._moved,
        )

    def _moved(self, old: str, new: str, reason: str, detail: str) -> None:
        self.log.failover(old, new, reason, detail)
        if reason != "back_to_first":
            self.tally.add(failovers=1)

    def sign_in(self) -> None:
        """One user's login from the tap to the session, and the session ended."""
        failing_since: float | None = None
        while True:
            try:
                self._login()
                return
            except (Unreachable, Rejected, Unexpected) as error:
                # what a user does after an error screen: tap again
                self.tally.add(retried=1)
                self.tally.problem(f"{type(error).__name__}: {error}"[:120])
                failing_since = failing_since or time.monotonic()
                if time.monotonic() - failing_since > GIVE_UP_SECONDS:
                    self.tally.add(lost=1)
                    return
                time.sleep(RETRY_PAUSE_SECONDS)

    def _login(self) -> None:
        reply = self.backend.auth(CardFactor(self.seat.card))
        if not isinstance(reply, AuthContinue):
            raise Unexpected(f"card: {type(reply).__name__}")
        card_on = self.backend.appliances.active_url
        try:
            done = self.backend.auth(PinFactor(reply.state, PIN))
        except (Unreachable, Rejected):
            self.tally.add(pin_lost=1)
            raise
        if not isinstance(done, AuthOk):
            raise Unexpected(f"PIN: {type(done).__name__}")
        self.tally.add(logins=1, continued=int(self.backend.appliances.active_url != card_on))
        try:
            self.backend.logout(done.session.id)
        except Unreachable:
            self.tally.problem("logout unreachable")  # the session is signed in all the same

    def close(self) -> None:
        self.backend.close()
        self.log.close()


def run_fleet(
    seats: list[Seat],
    orders: list[list[str]],
    ca: Path,
    logs: Path,
    seconds: float,
    *,
    midway: Callable[[Tally], None] | None = None,
) -> tuple[Tally, float]:
    """Every seat signs in, over and over, for `seconds`; seat n tries the URLs in
    `orders[n % len(orders)]` (IT spreads kiosks over instances by the order in their bundles).
    `midway` runs once half the time is gone (the kill). Returns the tally and the seconds the
    logins took (until the last kiosk finished its last login)."""
    logs.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    kiosks = [
        Kiosk(seat, orders[number % len(orders)], ca, logs / f"{seat.kiosk}.jsonl", tally)
        for number, seat in enumerate(seats)
    ]
    stop = threading.Event()

    def loop(kiosk: Kiosk) -> None:
        while not stop.is_set():
            kiosk.sign_in()

    threads = [threading.Thread(target=loop, args=(kiosk,), daemon=True) for kiosk in kiosks]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        if midway is not None:
            stop.wait(seconds / 2)
            midway(tally)
            stop.wait(seconds / 2)
        else:
            stop.wait(seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(GIVE_UP_SECONDS + 30)
        elapsed = time.monotonic() - started
        for kiosk in kiosks:
            kiosk.close()
    return tally, elapsed


def failover_lines(logs: Path) -> list[dict[str, object]]:
    """Every kiosk's `failover` event log lines."""
    lines = []
    for path in sorted(logs.glob("*.jsonl")):
        for text in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(text)
            if line["event"] == "failover":
                lines.append({"kiosk": path.stem, **line})
    return lines
