"""Where a benchmark's Qt children draw: Qt's offscreen platform, or a real X server (Xvfb,
1280x800, Qt's xcb platform, Mesa's software OpenGL) as a kiosk's display would be."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.session.xvfb import xvfb

DISPLAYS = ("offscreen", "xvfb")
XVFB_SIZE = "1280x800x24"


@contextmanager
def display(kind: str) -> Iterator[dict[str, str]]:
    """The environment a child needs to draw on `kind` ("offscreen" or "xvfb")."""
    if kind == "offscreen":
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    if kind != "xvfb":
        raise SystemExit(f"bench: unable to use display {kind!r}: not one of {DISPLAYS}")
    with xvfb(size=XVFB_SIZE) as name:
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": name, "LIBGL_ALWAYS_SOFTWARE": "1"}
