"""The appliance's state directory: its config file, server secret, certificates and database.

Layout of a state dir (made by `appliance init`):

    appliance.toml   settings (this module reads and writes it)
    secret.key       32 random bytes: keys the HMAC of card ids in the audit trail
    ca.pem ca.key    the CA kiosks pin; server.pem server.key the HTTPS certificate
    appliance.db     the SQLite database, unless `db_url` names another
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_STATE_DIR = "/var/lib/tapkiosk-appliance"
CONFIG_NAME = "appliance.toml"
SECRET_NAME = "secret.key"  # noqa: S105 - a file name


class ApplianceError(Exception):
    """An error the admin or the kiosk can act on; its text reads "unable to <verb>: <cause>"."""


@dataclass(frozen=True)
class HashCost:
    """Argon2id cost. OWASP's minimum is 19 MiB, t=2, p=1; tests may lower it."""

    memory_kib: int = 19456
    iterations: int = 2
    lanes: int = 1


@dataclass(frozen=True)
class LdapDomain:
    """A domain whose users are checked by binding to an LDAP directory as them."""

    domain: str
    url: str
    user_base: str
    user_filter: str = "(uid={username})"
    starttls: bool = False
    ca_file: str = ""
    display_name_attribute: str = "cn"
    # directories that refuse anonymous searches: a service account finds the user's entry
    search_dn: str = ""
    search_password: str = field(default="", repr=False)


@dataclass(frozen=True)
class Settings:
    state_dir: Path
    db_url: str
    server_names: tuple[str, ...] = ()
    hash_cost: HashCost = HashCost()
    rate_per_second: float = 20.0
    rate_burst: int = 40
    # wrong kiosk credentials from one address: a burst, then so many a minute
    failed_auth_burst: int = 10
    failed_auth_per_minute: float = 6.0
    max_body_bytes: int = 16 * 1024
    ldap: tuple[LdapDomain, ...] = ()
    secret: bytes = field(default=b"", repr=False)

    @property
    def ca_cert(self) -> Path:
        return self.state_dir / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.state_dir / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.state_dir / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.state_dir / "server.key"

    def ldap_for(self, domain: str) -> LdapDomain | None:
        for entry in self.ldap:
            if entry.domain.upper() == domain.upper():
                return entry
        return None


def default_state_dir() -> Path:
    return Path(os.environ.get("APPLIANCE_STATE_DIR") or DEFAULT_STATE_DIR)


def sqlite_url(state_dir: Path) -> str:
    return f"sqlite:///{(state_dir / 'appliance.db').resolve()}"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ApplianceError(f"unable to read {path}: {error}") from error


def _expect(table: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) and kind is not bool:
        raise ApplianceError(f"unable to read config: {key} must not be true/false")
    if not isinstance(value, kind):
        raise ApplianceError(f"unable to read config: {key} has the wrong type")
    return value


def load_settings(state_dir: Path, db_url: str | None = None) -> Settings:
    """Settings from `state_dir`; `db_url` (the `--db` option) overrides the file's."""
    raw = _read_toml(state_dir / CONFIG_NAME)
    cost_table = _expect(raw, "argon2", dict, {})
    rate_table = _expect(raw, "rate_limit", dict, {})
    ldap_table = _expect(raw, "ldap", dict, {})
    domains = []
    for name, entry in ldap_table.items():
        if not isinstance(entry, dict):
            raise ApplianceError(f"unable to read config: ldap.{name} must be a table")
        domains.append(
            LdapDomain(
                domain=name.upper(),
                url=_expect(entry, "url", str, ""),
                user_base=_expect(entry, "user_base", str, ""),
                user_filter=_expect(entry, "user_filter", str, "(uid={username})"),
                starttls=_expect(entry, "starttls", bool, False),
                ca_file=_expect(entry, "ca_file", str, ""),
                display_name_attribute=_expect(entry, "display_name_attribute", str, "cn"),
                search_dn=_expect(entry, "search_dn", str, ""),
                search_password=_expect(entry, "search_password", str, ""),
            )
        )
    failed_burst = _expect(rate_table, "failed_auth_burst", int, Settings.failed_auth_burst)
    failed_rate = float(
        _expect(rate_table, "failed_auth_per_minute", (int, float), Settings.failed_auth_per_minute)
    )
    if failed_burst < 1 or failed_rate <= 0:
        # a bucket that never holds a token would refuse every kiosk
        raise ApplianceError(
            "unable to read config: rate_limit.failed_auth_burst and failed_auth_per_minute"
            " must be above 0"
        )
    secret_path = state_dir / SECRET_NAME
    secret = secret_path.read_bytes() if secret_path.exists() else b""
    return Settings(
        state_dir=state_dir,
        db_url=db_url
        or os.environ.get("APPLIANCE_DB_URL")
        or _expect(raw, "db_url", str, "")
        or sqlite_url(state_dir),
        server_names=tuple(_expect(raw, "server_names", list, [])),
        hash_cost=HashCost(
            memory_kib=_expect(cost_table, "memory_kib", int, HashCost.memory_kib),
            iterations=_expect(cost_table, "iterations", int, HashCost.iterations),
            lanes=_expect(cost_table, "lanes", int, HashCost.lanes),
        ),
        rate_per_second=float(_expect(rate_table, "per_second", (int, float), 20.0)),
        rate_burst=_expect(rate_table, "burst", int, 40),
        failed_auth_burst=failed_burst,
        failed_auth_per_minute=failed_rate,
        max_body_bytes=_expect(raw, "max_body_bytes", int, 16 * 1024),
        ldap=tuple(domains),
        secret=secret,
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def write_config(state_dir: Path, values: dict[str, Any]) -> None:
    """Write `appliance.toml` from plain values; nested dicts become tables (one level deep)."""
    lines = ["# tapkiosk appliance settings (see `appliance --help`)"]
    tables: list[str] = []
    for key, value in values.items():
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                if isinstance(sub_value, dict):
                    tables.append(f"\n[{key}.{sub}]")
                    tables += [f"{k} = {_toml_value(v)}" for k, v in sub_value.items()]
                else:
                    continue
            plain = {k: v for k, v in value.items() if not isinstance(v, dict)}
            if plain:
                tables.append(f"\n[{key}]")
                tables += [f"{k} = {_toml_value(v)}" for k, v in plain.items()]
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    (state_dir / CONFIG_NAME).write_text("\n".join(lines + tables) + "\n", encoding="utf-8")


def read_config_values(state_dir: Path) -> dict[str, Any]:
    return _read_toml(state_dir / CONFIG_NAME)


def ensure_secret(state_dir: Path) -> None:
    path = state_dir / SECRET_NAME
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))


def with_db(settings: Settings, db_url: str) -> Settings:
    return replace(settings, db_url=db_url)
