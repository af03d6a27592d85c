"""The greeter's own files in its state dir: the dir 0700, each file 0600, written whole
(a temporary file renamed over the old one, so a crash leaves the old or the new, never half).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def default_state_dir() -> Path:
    """$XDG_STATE_HOME/tapkiosk, else ~/.local/state/tapkiosk (the greeter's user's)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tapkiosk"


def private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def write_private(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def read_json(path: Path) -> Any:
    """The JSON in `path`; None if there is no such file or it is not JSON (a damaged file is
    read as empty, and rewritten whole at the next write)."""
    try:
        return json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None
