"""`python -m greeter.ui.screenshots`: a picture of every screen, none of them blank."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from greeter.flow.model import SCREENS
from greeter.ui.agent_screenshots import AGENT_SHOTS
from greeter.ui.agent_window import COLLAPSED_SIZE, OPEN_SIZE
from greeter.ui.screenshots import SHOTS, WINDOWS, capture
from greeter.ui.stand_in import WINDOW_SIZE

pytestmark = pytest.mark.ui

# the windows that are not the greeter's full screen
SIZES = {
    "demo_desktop.png": WINDOW_SIZE,
    "agent_collapsed.png": COLLAPSED_SIZE,
    **{f"{name}.png": OPEN_SIZE for name, _view in AGENT_SHOTS if name != "agent_collapsed"},
}


def distinct_colours(image: QImage, step: int = 16) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_every_screen_is_pictured_and_none_is_blank(qapp, qt_style, tmp_path):
    written = capture(tmp_path)
    names = [shot.name for shot in SHOTS] + [name for name, _grab in WINDOWS]
    assert [path.name for path in written] == [f"{name}.png" for name in names]
    # every screen a user can meet (the session screen is the greeter stepping aside)
    assert {shot.view.screen for shot in SHOTS} == set(SCREENS) - {"session"}
    pictures = {}
    for path in written:
        image = QImage(str(path))
        size = SIZES.get(path.name, (1280, 800))
        assert (image.width(), image.height()) == size, path.name
        # text, buttons and the top bar, not one flat colour
        assert distinct_colours(image) > 8, path.name
        pictures[path.name] = bytes(image.constBits())
    # no two shots came out the same picture
    assert len(set(pictures.values())) == len(pictures)
