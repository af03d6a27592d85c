"""Where the greeter keeps what Qt and Mesa compile (QML byte code, the scene graph's pipeline
cache, Mesa's shaders): the kiosk's own cache directory, not the user's home.

Left to themselves they all live under XDG_CACHE_HOME, and a thin client that wipes home at
every boot would compile them all again at every start. `use_caches()` points them at
`TAPKIOSK_GREETER_CACHE_DIR` if set, else the package's /var/cache/tapkiosk/greeter if it is
there and writable, else (a checkout, the demo) the user's cache directory. It must run before
Qt starts: Qt and Mesa read these variables once. A variable the site set itself is left alone,
and sessions the greeter starts never see the ones it set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

CACHE_DIR_VARIABLE = "TAPKIOSK_GREETER_CACHE_DIR"
# made by the kiosk package, owned by the user the greeter runs as
PACKAGE_CACHE_DIR = Path("/var/cache/tapkiosk/greeter")
# what each cache variable names, under the cache directory
CACHE_VARIABLES = {"QML_DISK_CACHE_PATH": "qml", "MESA_SHADER_CACHE_DIR": "mesa"}
PIPELINE_CACHE = "pipeline"

# the variables this process set (not the site): kept out of the sessions it starts
_set_here: set[str] = set()
_chosen: list[Path] = []


def choose_cache_dir(environ: MutableMapping[str, str]) -> Path | None:
    """The cache directory to use, or None if none can be written."""
    configured = environ.get(CACHE_DIR_VARIABLE, "")
    if configured:
        return _writable(Path(configured), create=True)
    if _writable(PACKAGE_CACHE_DIR, create=False):
        return PACKAGE_CACHE_DIR
    home = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return _writable(home / "tapkiosk" / "greeter", create=True)


def use_caches(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Point Qt's and Mesa's caches at the chosen directory; returns it (None: Qt's defaults)."""
    directory = choose_cache_dir(environ)
    if directory is None:
        log.warning("unable to keep the greeter's caches: no writable cache directory")
        return None
    for variable, name in CACHE_VARIABLES.items():
        if variable not in environ:
            environ[variable] = str(directory / name)
            _set_here.add(variable)
    _chosen[:] = [directory]
    return directory


def pipeline_cache_file() -> Path | None:
    """The scene graph's pipeline cache file in the chosen directory (None: Qt's default). One
    file: Qt checks that it fits the graphics API and driver and ignores it otherwise."""
    if not _chosen:
        return None
    folder = _chosen[0] / PIPELINE_CACHE
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return folder / "qqpc"


def greeter_only() -> frozenset[str]:
    """The cache variables this greeter set for itself: its sessions must not inherit them."""
    return frozenset(_set_here)


def _writable(path: Path, *, create: bool) -> Path | None:
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("unable to use %s for the greeter's caches: %s", path, error.strerror)
        return None
    if path.is_dir() and os.access(path, os.W_OK | os.X_OK):
        return path
    return None
