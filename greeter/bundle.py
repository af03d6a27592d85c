"""A kiosk bundle from `appliance kiosk add NAME --bundle FILE`, placed next to the config.

Its [kiosk] name and [appliance] urls (or, from older bundles, url), kiosk_secret and ca
override the config's: IT images every kiosk with the same greeter.toml and drops one bundle on
each. The bundle file is itself the CA file (OpenSSL reads the PEM block in it and skips the
TOML around it) and the secret file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from greeter.configkit import ConfigError

NAME = "bundle.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        kiosk, appliance = table["kiosk"], table["appliance"]
        values = {"name": kiosk["name"], "secret": appliance["kiosk_secret"]}
        # one spelling of the appliances reaches greeter.config, which checks the URLs
        where = "urls" if "urls" in appliance else "url"
        values[where] = appliance[where]
        if "BEGIN CERTIFICATE" not in appliance["ca"]:
            raise ValueError("no CA certificate")
    except OSError as error:
        raise ConfigError(
            str(path), "(file)", f"unable to read: {error.strerror}", "check its permissions"
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise ConfigError(
            str(path),
            "(bundle)",
            f"not a kiosk bundle ({error})",
            "write it again with `appliance kiosk add NAME --bundle FILE`",
        ) from None
    return values


def overlay(table: dict[str, Any], config_path: Path) -> dict[str, Any]:
    """`table` with the bundle beside `config_path` applied (unchanged when there is none)."""
    path = config_path.parent / NAME
    if not path.exists():
        return table
    values = _read(path)
    kiosk, appliance = table.get("kiosk", {}), table.get("appliance", {})
    if not isinstance(kiosk, dict) or not isinstance(appliance, dict):
        return table  # the config's own mistake: parse() names it
    kiosk = {**kiosk, "name": values["name"]}
    # the bundle's appliances replace the config's, whichever way either spells them
    appliance = {key: value for key, value in appliance.items() if key not in ("url", "urls")}
    appliance = {
        **appliance,
        **{key: values[key] for key in ("url", "urls") if key in values},
        "ca": str(path),
        "kiosk_secret_file": str(path),
    }
    return {**table, "kiosk": kiosk, "appliance": appliance}


def secret(text: str) -> str:
    """The secret in a secret file's `text`: a bundle's kiosk_secret, else the whole text."""
    try:
        value = tomllib.loads(text).get("appliance", {}).get("kiosk_secret")
    except tomllib.TOMLDecodeError:
        return text.strip()
    return value.strip() if isinstance(value, str) else text.strip()
