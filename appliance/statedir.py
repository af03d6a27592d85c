"""Who may use the state dir: its modes (owner only), and one clear line when we may not.

The dir is 0700 and every file in it 0600 but the certificates (0644): the config may hold
the database's password, the secret keys the card hashes, the database holds the verifiers.
`init` tightens what an older version (or a hand) left open; every command checks first
that the running user may use the dir and its database, so a wrong user gets one line
naming the owner instead of a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from appliance.config import (
    ADMIN_TOKEN_NAME,
    CA_CERT_NAME,
    CA_KEY_NAME,
    CONFIG_NAME,
    DB_NAME,
    SECRET_NAME,
    SERVER_CERT_NAME,
    SERVER_KEY_NAME,
    ApplianceError,
    permission_denied,
)
from appliance.private import PRIVATE, PUBLIC, write_new

DIR_MODE = 0o700
# SQLite's companions of a database file: it gives them the database's mode
SQLITE_SUFFIXES = ("-wal", "-shm", "-journal")
MODES = {
    CONFIG_NAME: PRIVATE,
    SECRET_NAME: PRIVATE,
    CA_KEY_NAME: PRIVATE,
    SERVER_KEY_NAME: PRIVATE,
    CA_CERT_NAME: PUBLIC,
    SERVER_CERT_NAME: PUBLIC,
    ADMIN_TOKEN_NAME: PRIVATE,
    **{DB_NAME + suffix: PRIVATE for suffix in ("", *SQLITE_SUFFIXES)},
}


def make_state_dir(state_dir: Path) -> None:
    try:
        state_dir.mkdir(parents=True, mode=DIR_MODE)
        state_dir.chmod(DIR_MODE)  # the umask may have taken the owner's bits too
    except FileExistsError:
        return
    except PermissionError:
        raise permission_denied(state_dir, "create") from None
    except OSError as error:
        raise ApplianceError(f"unable to create {state_dir}: {error.strerror}") from error


def tighten(state_dir: Path) -> str | None:
    """Take from group and others what they must not have; say what changed, if anything."""
    changed = []
    for path, allowed in [(state_dir, DIR_MODE), *((state_dir / n, m) for n, m in MODES.items())]:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        except PermissionError:
            raise permission_denied(path, "read") from None
        if mode & ~allowed:
            try:
                path.chmod(mode & allowed)
            except PermissionError:
                raise permission_denied(path, "change the mode of") from None
            name = "the state dir" if path == state_dir else path.name
            changed.append(f"{name} {mode:04o} -> {mode & allowed:04o}")
    return f"tightened modes: {', '.join(changed)}" if changed else None


def check_dir(state_dir: Path) -> bool:
    """Whether the state dir exists; refused if the running user may not use it."""
    try:
        is_dir = stat.S_ISDIR(state_dir.stat().st_mode)
    except FileNotFoundError:
        return False
    except PermissionError:
        raise permission_denied(state_dir, "use") from None
    if not is_dir:
        raise ApplianceError(f"unable to use {state_dir}: not a directory")
    # SQLite makes its -wal and -shm files next to the database, even to read it
    if not os.access(state_dir, os.R_OK | os.W_OK | os.X_OK):
        raise permission_denied(state_dir, "use")
    return True


def is_initialised(state_dir: Path) -> bool:
    return check_dir(state_dir) and (state_dir / CONFIG_NAME).exists()


def prepare_sqlite(url: str) -> None:
    """Make a missing SQLite file private before SQLite makes it with the umask's mode, and
    check the running user may write it and its companions (SQLite would only say "unable
    to open database file")."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return
    if parsed.query.get("uri"):  # SQLite parses the name itself
        return
    path = Path(database)
    try:
        write_new(path, b"")
    except FileNotFoundError:
        return  # no such directory: SQLite says so itself
    except PermissionError:
        raise permission_denied(path, "open") from None
    for each in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SUFFIXES)):
        if each.exists() and not os.access(each, os.R_OK | os.W_OK):
            raise permission_denied(each, "write")
