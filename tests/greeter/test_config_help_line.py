"""`[kiosk] help_line`: the site's words at the end of every error on screen."""

from __future__ import annotations

import pytest

from greeter.config import load
from greeter.configkit import ConfigError
from tests.greeter.test_config import GOOD, shipped_in, write_config


def test_the_shipped_config_has_a_help_line_for_the_screens(tmp_path):
    config = load(shipped_in(tmp_path))
    assert config.kiosk.help_line == "Call IT on 4444"
    assert config.flow_settings().help_line == "Call IT on 4444"


def test_the_help_line_is_optional(tmp_path):
    assert load(write_config(tmp_path, GOOD)).flow_settings().help_line == ""


def test_the_help_line_is_trimmed(tmp_path):
    text = GOOD.replace("[kiosk]", '[kiosk]\nhelp_line = "  Ring IT på 4444 "')
    assert load(write_config(tmp_path, text)).kiosk.help_line == "Ring IT på 4444"


@pytest.mark.parametrize(
    ("value", "problem", "fix"),
    [
        ('"Call IT\\non 4444"', "line break", "write one line"),
        ('"' + "Call IT " * 11 + '"', "characters long", "shorten it to 80"),
        ("4444", "expected str", "fix the value"),
    ],
)
def test_a_help_line_that_cannot_be_shown_names_the_key_and_fix(tmp_path, value, problem, fix):
    path = write_config(tmp_path, GOOD.replace("[kiosk]", f"[kiosk]\nhelp_line = {value}"))
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.key == "kiosk.help_line"
    assert problem in caught.value.problem
    assert fix in caught.value.fix
