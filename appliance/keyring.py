"""`appliance key rotate | status`: the server key's life (see `appliance.keys`)."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from appliance.config import RETIRED_KEYS, SECRET_NAME, ApplianceError, Settings, ensure_secret
from appliance.db import make_engine
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


def _uses(engine: Engine) -> tuple[dict[str, int], dict[str, int]]:
    """(cards, verifiers) in the database by the id of the key that keys them."""
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
    return cards, verifiers


def check_held(settings: Settings, engine: Engine) -> None:
    """Refuse to serve without a key the database uses. Instances sharing a database must hold
    the same keys: one started with another `secret.key` would find no card (offering each a
    new enrolment) and no verifier, rather than fail where anyone sees it."""
    cards, verifiers = _uses(engine)
    held = {key_id(key) for key in settings.keys.all()}
    missing = sorted((cards.keys() | verifiers.keys()) - held)
    if missing:
        raise ApplianceError(
            f"unable to serve: the database holds cards or verifiers keyed with "
            f"{', '.join(missing)}, a key this instance does not have; copy {SECRET_NAME} and "
            f"{RETIRED_KEYS}/ from an instance that serves this database into "
            f"{settings.state_dir} (every instance needs the same keys)"
        )


def status(settings: Settings) -> list[str]:
    """One line per key: its id, whether current, and the cards and verifiers it keys and
    the VSC private keys it seals (those stay under it: keep the key while it seals any)."""
    engine = make_engine(settings.db_url)
    try:
        cards, verifiers = _uses(engine)
        with engine.connect() as connection:
            vscs = dict(
                connection.execute(
                    select(Vsc.key_id, func.count())
                    .where(Vsc.sealed_key.is_not(None))
                    .group_by(Vsc.key_id)
                ).all()
            )
    finally:
        engine.dispose()
    lines = []
    for number, key in enumerate(settings.keys.all()):
        name = key_id(key)
        role = "current" if number == 0 else "retired"
        lines.append(
            f"{name}\t{role}\tcards={cards.get(name, 0)}\tverifiers={verifiers.get(name, 0)}"
            f"\tvscs={vscs.get(name, 0)}"
        )
    return lines


def command(action: str, settings: Settings) -> int:
    if action == "rotate":
        print(f"new key {rotate(settings)}; restart `appliance serve` to use it")
    else:
        print("\n".join(status(settings)))
    return 0
