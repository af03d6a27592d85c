"""`appliance key rotate | status`: the server key's life (see `appliance.keys`)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from appliance import vsc
from appliance.admin import ADMIN
from appliance.audit import Auditor
from appliance.config import RETIRED_KEYS, SECRET_NAME, ApplianceError, Settings, ensure_secret
from appliance.db import make_engine, session_factory
from appliance.keys import key_id
from appliance.store import Card, PinVerifier, User, Vsc


def rotate(settings: Settings) -> str:
    """Retire the current key (kept, so what it keyed still works and moves over at its next
    use) and make a new one; returns the new key's id. Restart the server to use it."""
    retired_dir = settings.state_dir / RETIRED_KEYS
    retired_dir.mkdir(mode=0o700, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    current = settings.state_dir / SECRET_NAME
    if not settings.secret:
        raise ApplianceError(f"unable to rotate: {current} is missing; run `appliance init`")
    os.replace(current, retired_dir / f"{stamp}-{key_id(settings.secret)}.key")
    ensure_secret(settings.state_dir)
    return key_id(current.read_bytes())


@dataclass(frozen=True)
class Uses:
    """What the database holds under each key, by key id."""

    cards: dict[str, int]
    verifiers: dict[str, int]
    vscs: dict[str, int]  # VSC private keys sealed under it

    def key_ids(self) -> set[str]:
        return self.cards.keys() | self.verifiers.keys() | self.vscs.keys()


def _uses(engine: Engine) -> Uses:
    with engine.connect() as connection:
        cards = dict(
            connection.execute(select(Card.key_id, func.count()).group_by(Card.key_id)).all()
        )
        verifiers: dict[str, int] = {}
        for (verifier,) in connection.execute(
            select(PinVerifier.verifier).union_all(
                select(User.password_verifier).where(User.password_verifier.is_not(None))
            )
        ):
            name = str(verifier).split("$")[1]
            verifiers[name] = verifiers.get(name, 0) + 1
        vscs = dict(
            connection.execute(
                select(Vsc.key_id, func.count())
                .where(Vsc.sealed_key.is_not(None))
                .group_by(Vsc.key_id)
            ).all()
        )
    return Uses(cards, verifiers, vscs)


def check_held(settings: Settings, engine: Engine) -> None:
    """Refuse to serve without a key the database uses. Instances sharing a database must hold
    the same keys: one started with another `secret.key` would find no card (offering each a
    new enrolment), no verifier and no VSC key, rather than fail where anyone sees it; a
    retired key deleted while it still seals a VSC's private key would lose that VSC."""
    held = {key_id(key) for key in settings.keys.all()}
    missing = sorted(_uses(engine).key_ids() - held)
    if missing:
        raise ApplianceError(
            f"unable to serve: the database holds cards, verifiers or VSC keys keyed with "
            f"{', '.join(missing)}, a key this instance does not have; copy {SECRET_NAME} and "
            f"{RETIRED_KEYS}/ from an instance that serves this database into "
            f"{settings.state_dir} (every instance needs the same keys)"
        )


def status(settings: Settings) -> list[str]:
    """One line per key: its id, whether current, and the cards and verifiers it keys and
    the VSC private keys it seals (each moves to the current key at its next use: keep a
    retired key while it keys or seals any)."""
    engine = make_engine(settings.db_url)
    try:
        uses = _uses(engine)
    finally:
        engine.dispose()
    lines = []
    for number, key in enumerate(settings.keys.all()):
        name = key_id(key)
        role = "current" if number == 0 else "retired"
        lines.append(
            f"{name}\t{role}\tcards={uses.cards.get(name, 0)}"
            f"\tverifiers={uses.verifiers.get(name, 0)}\tvscs={uses.vscs.get(name, 0)}"
        )
    return lines


def move_vscs(settings: Settings) -> int:
    """Seal every VSC private key still under a retired key under the current one now, rather
    than at each VSC's next use (an unassigned VSC may wait long): then the retired key may
    go. Run it once every instance serves with the current key (one that has not restarted
    since the rotation cannot open what moved). Returns how many moved."""
    engine = make_engine(settings.db_url)
    try:
        with session_factory(engine)() as db:
            stale = select(Vsc).where(
                Vsc.sealed_key.is_not(None), Vsc.key_id != settings.keys.current_id
            )
            moved = sum(vsc.move_to_current_key(row, settings.keys) for row in db.scalars(stale))
            Auditor().record(
                db, "vsc_keys_moved", at=dt.datetime.now(dt.UTC), kiosk=ADMIN, count=str(moved)
            )
            db.commit()
    finally:
        engine.dispose()
    return moved


def command(action: str, settings: Settings) -> int:
    if action == "rotate":
        print(f"new key {rotate(settings)}; restart `appliance serve` to use it")
    elif action == "move-vscs":
        print(f"{move_vscs(settings)} VSC keys moved to key {settings.keys.current_id}")
    else:
        print("\n".join(status(settings)))
    return 0
