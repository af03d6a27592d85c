"""`greeter doctor`: the config, the card readers and the appliance, each problem with its fix.

A config that cannot be read is one finding among the others, not a reason to stop: the
readers, pcscd and NFC are checked all the same (with the config's `[cards]` section when that
much of it can be read, else with the defaults), so IT sees everything wrong in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TextIO

from greeter.cards.doctor import Check, diagnose, render_checks
from greeter.cards.settings import CardSettings
from greeter.cards.settings import parse as parse_cards
from greeter.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK
from greeter.config import Config, load, read_table
from greeter.configkit import ConfigError


@dataclass(frozen=True)
class ConfigFinding:
    """The config as far as it could be read: the whole of it, or its problem and the card
    settings the readers are checked with."""

    config: Config | None
    problem: ConfigError | None
    cards: CardSettings
    cards_note: str = ""


def read_config(path: str) -> ConfigFinding:
    """The config at `path`; when it cannot be used, the first problem and the best card
    settings left (its `[cards]` section if that parses, else the defaults)."""
    try:
        config = load(path)
    except ConfigError as problem:
        cards, note = _cards_only(path)
        return ConfigFinding(None, problem, cards, note)
    cards = config.cards if isinstance(config.cards, CardSettings) else CardSettings()
    return ConfigFinding(config, None, cards)


def _cards_only(path: str) -> tuple[CardSettings, str]:
    try:
        table = read_table(path)
        section = table.get("cards", {})
        if isinstance(section, dict):
            return parse_cards(section, path=path), ""
    except ConfigError:
        pass
    return CardSettings(), "the config's [cards] could not be read: checked PC/SC, the default"


def config_check(path: str, finding: ConfigFinding) -> Check:
    problem = finding.problem
    if problem is None:
        return Check(path, "ok", "read, every key checked")
    return Check(path, "fail", f"{problem.key}: {problem.problem}", problem.fix)


def appliance_checks(config: Config | None) -> list[Check]:
    """Whether the appliance answers this kiosk; not tried without a usable config."""
    if config is None:
        return [
            Check(
                "appliance",
                "fail",
                "not checked: the config cannot be used",
                "fix the config (above), then run `greeter doctor` again",
            )
        ]
    checks = [_appliance_check(config, url) for url in config.appliance.urls]
    if all(check.verdict == "fail" for check in checks):
        return checks
    # another instance answers: the kiosk signs people in, without a fail-over target
    return [
        replace(check, verdict="warn", fix="start it, or take it out of [appliance] urls")
        if check.verdict == "fail"
        else check
        for check in checks
    ]


def _appliance_check(config: Config, url: str) -> Check:
    """Whether the appliance at `url` answers this kiosk: each listed instance on its own, so
    IT sees a fail-over target that is down before the kiosk needs it."""
    from greeter.backend import Backend, BackendError, BackendSettings

    appliance = config.appliance
    backend = Backend(
        BackendSettings(
            url,
            appliance.ca,
            config.kiosk.name,
            appliance.kiosk_secret,
            appliance.connect_timeout,
            appliance.timeout,
        )
    )
    try:
        info = backend.kiosk_info()
    except BackendError as error:
        return Check(url, "fail", str(error), "fix [appliance] in the config")
    finally:
        backend.close()
    on_off = {True: "on", False: "off"}
    return Check(
        url,
        "ok",
        f"answers for kiosk {info.kiosk} (password login {on_off[info.password_login]}, "
        f"card enrolment {on_off[info.card_enrollment]})",
    )


def run_doctor(path: str, out: TextIO) -> int:
    """Check everything, print the report to `out`; the exit code: 2 the config cannot be
    used, 1 the kiosk cannot read cards or reach the appliance, 0 all is well."""
    finding = read_config(path)
    lines = ["Config", *render_checks([config_check(path, finding)])]
    if finding.cards_note:
        lines.append(f"         note: {finding.cards_note}")
    print("\n".join(lines), file=out)
    readers = diagnose(finding.cards)
    print(readers.render(), end="", file=out)
    appliance = appliance_checks(finding.config)
    print("\n".join(["Appliance", *render_checks(appliance)]), file=out)
    if finding.problem is not None:
        print("Result: this kiosk is not set up: fix the config (above)", file=out)
        return EXIT_CONFIG
    if any(check.verdict == "fail" for check in appliance):
        print("Result: the kiosk cannot sign anyone in; fix [appliance] in the config", file=out)
        return EXIT_FAILED
    return EXIT_OK if readers.ok else EXIT_FAILED
