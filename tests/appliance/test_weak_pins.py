"""A new PIN that is easy to guess is refused, with the rule it breaks as a stable code: "1111"
must not become anyone's PIN. The rules themselves, then the appliance on SQLite over HTTPS."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.bootstrap import initialise
from appliance.config import CONFIG_NAME, ApplianceError, load_settings
from appliance.policy import new_policy, pin_rule_broken, pin_rules
from appliance.replies import PinRules
from tests.appliance.kiosk_client import Kiosk
from tests.rig.appliance import start_demo_appliance

EIGHT_DIGITS = pin_rules(new_policy("p"))
COMMON = frozenset({"1212", "0852"})


@pytest.mark.parametrize(
    ("pin", "rule"),
    [
        ("5791", None),
        ("57913579", None),
        ("123", "too_short"),
        ("579135791", "too_long"),
        ("12a4", "digits_only"),
        ("١٢٣٤", "digits_only"),  # Arabic digits are not the keypad's
        ("1111", "repeated"),
        ("000000", "repeated"),
        ("1234", "sequential"),
        ("4321", "sequential"),
        ("7890", "sequential"),
        ("0987", "sequential"),
        ("345678", "sequential"),
        ("1212", "common"),
        ("0852", "common"),
        ("1357", None),  # steps of two are no run
    ],
)
def test_each_weak_pin_is_named_by_the_rule_it_breaks(pin: str, rule: str | None):
    assert pin_rule_broken(EIGHT_DIGITS, pin, COMMON) == rule


def test_rules_for_pins_of_any_character():
    rules = PinRules(min_length=4, max_length=8, digits_only=False)
    assert pin_rule_broken(rules, "ab1!") is None
    assert pin_rule_broken(rules, "aaaa") == "repeated"
    assert pin_rule_broken(rules, "ab\tc") == "printable"


@pytest.fixture
def bob_enrolling(kiosk: Kiosk) -> str:
    """bob signed in with his password and owes a PIN: the enroll step's state."""
    first = kiosk.password("bob", "bob-demo-pass")
    assert first["status"] == "enroll"
    return str(first["state"])


def test_the_appliance_refuses_weak_pins_and_says_which_rule(kiosk: Kiosk, bob_enrolling: str):
    state = bob_enrolling
    for pin, rule, words in [
        ("1111", "repeated", "repeated"),
        ("2345", "sequential", "run of digits"),
        ("9876", "sequential", "run of digits"),
        ("1212", "common", "most common"),
        ("123", "too_short", "at least 4 digits"),
    ]:
        refused = kiosk.enroll_pin(state, pin)
        assert refused["status"] == "bad_factor", pin
        assert refused["reason"] == "pin_rules"
        assert refused["rule"] == rule
        assert words in refused["message"]
        state = refused["state"]  # the same step again, with a new state
    done = kiosk.enroll_pin(state, "5791")
    assert done["status"] == "ok"
    # the PIN is set: his next password login owes none
    assert kiosk.password("bob", "bob-demo-pass")["status"] == "ok"


def test_other_refusals_carry_no_rule(kiosk: Kiosk):
    wrong = kiosk.password("bob", "not-his")
    assert wrong["reason"] == "bad_password"
    assert "rule" not in wrong


def test_a_site_lists_its_own_common_pins(tmp_path: Path):
    state_dir = tmp_path / "appliance"
    # the site's list replaces the shipped one
    initialise(state_dir, extra_config={"common_pins": ["5791", "0852"]})
    with start_demo_appliance(state_dir) as server:
        kiosk = Kiosk(server)
        try:
            state = kiosk.password("bob", "bob-demo-pass")["state"]
            refused = kiosk.enroll_pin(state, "5791")
            assert refused["rule"] == "common"
            # 1212 is on the shipped list, not on this site's: taken
            assert kiosk.enroll_pin(refused["state"], "1212")["status"] == "ok"
        finally:
            kiosk.close()


def test_common_pins_must_be_strings(tmp_path: Path):
    (tmp_path / CONFIG_NAME).write_text("common_pins = [1212, 852]\n")
    with pytest.raises(ApplianceError, match=r"common_pins must list PINs as strings"):
        load_settings(tmp_path)


def test_an_empty_list_turns_the_common_pin_rule_off(tmp_path: Path):
    (tmp_path / CONFIG_NAME).write_text("common_pins = []\n")
    assert load_settings(tmp_path).common_pins == frozenset()
    assert "1212" in load_settings(tmp_path / "elsewhere").common_pins
