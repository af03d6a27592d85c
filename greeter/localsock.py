"""The greeter's local Unix sockets (virtual taps, the ticket API): where they live and how one
is opened so that nobody but the greeter's user can reach it."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path


def runtime_dir() -> Path:
    """`$XDG_RUNTIME_DIR/tapkiosk`, else under /run/user/<uid>, else /tmp/tapkiosk-<uid>."""
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "tapkiosk"
    run_user = Path(f"/run/user/{uid}")
    if run_user.is_dir():
        return run_user / "tapkiosk"
    return Path(f"/tmp/tapkiosk-{uid}")  # noqa: S108 - owner-only dir, checked


def private_dir(directory: Path) -> None:
    """Create `directory` 0700, or make sure an existing one is ours and nobody else's."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.stat()
    if info.st_uid != os.getuid():
        raise OSError(f"{directory} belongs to another user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        directory.chmod(0o700)


def listen_private(path: Path, backlog: int = 8) -> socket.socket:
    """A listening Unix socket at `path`, 0600 in a 0700 directory of ours. A socket left
    behind by a greeter that died is replaced; a live one is an OSError (another greeter)."""
    private_dir(path.parent)
    if path.exists() or path.is_symlink():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(path))
            except OSError:
                path.unlink()  # left behind by a greeter that died
            else:
                raise OSError("another greeter is already listening there")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)  # never a moment where the socket is open to others
    try:
        server.bind(str(path))
    except OSError:
        server.close()
        raise
    finally:
        os.umask(old_umask)
    path.chmod(0o600)
    server.listen(backlog)
    return server
