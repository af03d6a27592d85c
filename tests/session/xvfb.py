"""A real X server for a test: Xvfb on a display number it picks itself (`-displayfd`, so tests
running at once never collide), no TCP; and `xdotool` to give it input as a user would."""

from __future__ import annotations

import os
import select
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def xvfb(*options: str, timeout: float = 15.0, size: str = "640x480x24") -> Iterator[str]:
    """Run Xvfb (with extra `options`, a screen of `size`); yields its display name, e.g. ":7"."""
    read_end, write_end = os.pipe()
    command = ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp"]
    proc = subprocess.Popen(
        [*command, "-screen", "0", size, *options],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        # Xvfb writes the display number once it accepts connections
        ready, _, _ = select.select([read_end], [], [], timeout)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number:
            raise RuntimeError("unable to start Xvfb: it named no display")
        yield f":{number}"
    finally:
        os.close(read_end)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def move_pointer(display: str, x: int, y: int) -> None:
    """Input on `display` as a user's hand on the mouse would make it (XTest via xdotool)."""
    subprocess.run(
        ["xdotool", "mousemove", str(x), str(y)],
        env={**os.environ, "DISPLAY": display},
        check=True,
        timeout=10,
    )
