"""Login policies: which factors, PIN rules, lockout, entry timeout and tap-and-go grace."""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import pairwise
from typing import Any

from appliance.config import ApplianceError
from appliance.replies import PinRule, PinRules
from appliance.store import Policy

MAX_GRACE_SECONDS = 12 * 3600
MAX_OFFLINE_WINDOW_SECONDS = 24 * 3600
FACTORS = ("card", "password")
_DURATION = re.compile(r"^(\d+)([smh]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
_ON = {"on", "true", "yes", "1"}
_OFF = {"off", "false", "no", "0"}


def parse_duration(text: str) -> int:
    """Seconds from `90`, `90s`, `15m` or `8h`."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ApplianceError(f"unable to read duration {text!r}: use seconds, or 90s, 15m, 8h")
    return int(match.group(1)) * _UNIT[match.group(2)]


def _parse_bool(key: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _ON:
        return True
    if lowered in _OFF:
        return False
    raise ApplianceError(f"unable to set {key}: {text!r} is not on or off")


def _parse_int(key: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ApplianceError(f"unable to set {key}: {text!r} is not a whole number") from None
    if not low <= value <= high:
        raise ApplianceError(f"unable to set {key}: {value} is not between {low} and {high}")
    return value


def _parse_enrollment(text: str) -> str:
    lowered = text.strip().lower()
    if lowered == "approval":
        return lowered
    return "on" if _parse_bool("self_enrollment", lowered) else "off"


def _parse_factors(text: str) -> str:
    factors = [item.strip().lower() for item in text.split(",") if item.strip()]
    unknown = [item for item in factors if item not in FACTORS]
    if unknown or not factors:
        raise ApplianceError(
            f"unable to set first_factors: {text!r}; use a comma list of {', '.join(FACTORS)}"
        )
    return ",".join(item for item in FACTORS if item in factors)


def _parse_duration_in(key: str, text: str, low: int, high: int) -> int:
    seconds = parse_duration(text)
    if not low <= seconds <= high:
        raise ApplianceError(
            f"unable to set {key}: {seconds} s is not between {low} s and {high} s"
            + {
                "grace": " (the grace period is at most 12 h)",
                "offline_window": " (the offline window is at most 24 h)",
            }.get(key, "")
        )
    return seconds


def _lengths(low: int, high: int, pick: int = 0) -> int:
    """Refuse min > max before anything changes; return the one being set."""
    if low > high:
        raise ApplianceError(
            "unable to set PIN lengths: pin_min_length is larger than pin_max_length"
        )
    return (low, high)[pick]


SETTABLE = {
    "first_factors": "comma list of card, password",
    "pin": "on|off: the PIN modality",
    "self_enrollment": "on|off|approval: card self-enrollment at the kiosk (approval: a new"
    " card waits for `appliance card approve`)",
    "pin_min_length": "4..32",
    "pin_max_length": "4..32",
    "pin_digits_only": "on|off",
    "max_attempts": "failed attempts before lockout (1..100)",
    "lockout": "lockout length (e.g. 15m)",
    "entry_timeout": "second-factor entry timeout (1s..10m)",
    "grace": "tap-and-go grace period (0..12h)",
    "spine": "on|off: Spine for the policy's users (only they may be Registration Authorities)",
    "vsc_warning_days": "days before a VSC's expiry its user is warned at login (1..365)",
    "offline_login": "on|off: a kiosk may sign in a user offline after their card + PIN login"
    " there (off by default)",
    "offline_window": "how long after that login the kiosk may (1s..24h, default 12h)",
}


def apply_setting(policy: Policy, key: str, text: str) -> None:
    """Set one policy field from its CLI form; raises ApplianceError naming the problem."""
    if key == "first_factors":
        policy.first_factors = _parse_factors(text)
    elif key == "pin":
        policy.pin_enabled = _parse_bool(key, text)
    elif key == "self_enrollment":
        policy.self_enrollment = _parse_enrollment(text)
    elif key == "pin_min_length":
        policy.pin_min_length = _lengths(_parse_int(key, text, 4, 32), policy.pin_max_length)
    elif key == "pin_max_length":
        policy.pin_max_length = _lengths(policy.pin_min_length, _parse_int(key, text, 4, 32), 1)
    elif key == "pin_digits_only":
        policy.pin_digits_only = _parse_bool(key, text)
    elif key == "max_attempts":
        policy.max_attempts = _parse_int(key, text, 1, 100)
    elif key == "lockout":
        policy.lockout_seconds = _parse_duration_in(key, text, 1, 7 * 24 * 3600)
    elif key == "entry_timeout":
        policy.entry_timeout = _parse_duration_in(key, text, 1, 600)
    elif key == "grace":
        policy.grace_seconds = _parse_duration_in(key, text, 0, MAX_GRACE_SECONDS)
    elif key == "spine":
        policy.spine_enabled = _parse_bool(key, text)
    elif key == "vsc_warning_days":
        policy.vsc_warning_days = _parse_int(key, text, 1, 365)
    elif key == "offline_login":
        policy.offline_login = _parse_bool(key, text)
    elif key == "offline_window":
        policy.offline_window_seconds = _parse_duration_in(key, text, 1, MAX_OFFLINE_WINDOW_SECONDS)
    else:
        raise ApplianceError(
            f"unable to set {key}: no such policy setting; use one of {', '.join(SETTABLE)}"
        )


def new_policy(name: str) -> Policy:
    return Policy(
        name=name,
        first_factors="card,password",
        pin_enabled=True,
        self_enrollment="on",
        pin_min_length=4,
        pin_max_length=8,
        pin_digits_only=True,
        max_attempts=5,
        lockout_seconds=900,
        entry_timeout=60,
        grace_seconds=8 * 3600,
        spine_enabled=True,
        vsc_warning_days=30,
        offline_login=False,
        offline_window_seconds=12 * 3600,
    )


def allows(policy: Policy, factor: str) -> bool:
    return factor in policy.first_factors.split(",")


def pin_rules(policy: Any) -> PinRules:
    """The PIN rules of a `Policy`, or of a row with its `pin_*` columns."""
    return PinRules(
        min_length=policy.pin_min_length,
        max_length=policy.pin_max_length,
        digits_only=policy.pin_digits_only,
    )


def pin_rule_broken(rules: PinRules, pin: str, common: Collection[str] = ()) -> PinRule | None:
    """The rule `pin` breaks, or None if it is acceptable. `common`: the PINs too common to
    take (`Settings.common_pins`)."""
    if rules.digits_only and not (pin.isascii() and pin.isdigit()):
        return "digits_only"
    if not rules.digits_only and not pin.isprintable():
        return "printable"
    if len(pin) < rules.min_length:
        return "too_short"
    if len(pin) > rules.max_length:
        return "too_long"
    if len(set(pin)) == 1:
        return "repeated"
    if _is_run(pin):
        return "sequential"
    if pin in common:
        return "common"
    return None


def _is_run(pin: str) -> bool:
    """Each digit one up (1234, 7890) or each one down (4321, 0987) from the one before."""
    if not (pin.isascii() and pin.isdigit()):
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    return steps in ({1}, {9})


def pin_rule_message(rule: PinRule, rules: PinRules) -> str:
    """The rule in one English sentence (`bad_factor.message`; kiosks word `rule` themselves)."""
    unit = "digits" if rules.digits_only else "characters"
    return {
        "digits_only": "The PIN must be digits only.",
        "printable": "The PIN must be printable characters.",
        "too_short": f"The PIN must have at least {rules.min_length} {unit}.",
        "too_long": f"The PIN must have at most {rules.max_length} {unit}.",
        "repeated": f"The PIN must not be one {unit[:-1]} repeated (like 1111).",
        "sequential": "The PIN must not be a run of digits (like 1234 or 4321).",
        "common": "The PIN is one of the most common PINs: choose another.",
    }[rule]


def describe(policy: Policy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "first_factors": policy.first_factors,
        "pin": "on" if policy.pin_enabled else "off",
        "self_enrollment": policy.self_enrollment,
        "pin_min_length": policy.pin_min_length,
        "pin_max_length": policy.pin_max_length,
        "pin_digits_only": "on" if policy.pin_digits_only else "off",
        "max_attempts": policy.max_attempts,
        "lockout": f"{policy.lockout_seconds}s",
        "entry_timeout": f"{policy.entry_timeout}s",
        "grace": f"{policy.grace_seconds}s",
        "spine": "on" if policy.spine_enabled else "off",
        "vsc_warning_days": policy.vsc_warning_days,
        "offline_login": "on" if policy.offline_login else "off",
        "offline_window": f"{policy.offline_window_seconds}s",
    }
