"""Files with a fixed mode whatever the umask: the state dir's secrets are its owner's alone."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE = 0o600
PUBLIC = 0o644  # certificates: kiosks pin ca.pem, so admins copy it


def write_file(path: Path, data: bytes, mode: int = PRIVATE) -> None:
    """Replace `path` whole: readers see the old file or the new one, never a part, and the
    new one is never readable by others, not even for a moment."""
    # mkstemp makes the file 0600 whatever the umask
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except PermissionError as error:  # name the file we meant, not the temporary one
        raise PermissionError(error.errno, error.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            _give(handle.fileno(), path if path.exists() else path.parent)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_new(path: Path, data: bytes) -> bool:
    """Make `path` a private file holding `data` unless it exists (then False: never
    overwrite, say, the secret that keys every card hash)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE)  # the umask may have taken the owner's bits too
        _give(handle.fileno(), path.parent)
        handle.write(data)
    return True


def _give(fd: int, owner_of: Path) -> None:
    """Root (an admin's `sudo appliance init --name ...`) writes files that stay the service
    user's: the old file's owner, or the directory's for a new file, as SQLite does for its
    -wal and -shm. Anyone else can only make their own files anyway."""
    if os.geteuid() != 0:
        return
    owner = owner_of.stat()
    with contextlib.suppress(PermissionError):  # root without CAP_CHOWN keeps them
        os.fchown(fd, owner.st_uid, owner.st_gid)
