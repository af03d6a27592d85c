"""The appliance's state directory: its config file, server secret, certificates and database.

Layout of a state dir (made by `appliance init`):

    appliance.toml   settings (this module reads and writes it)
    secret.key       32 random bytes: keys card lookups and PIN/password verifiers, never in
                     the database (`appliance.keys`); retired-keys/ holds rotated-out ones
    ca.pem ca.key    the CA kiosks pin; server.pem server.key the HTTPS certificate
    appliance.db     the SQLite database, unless `db_url` names another
    admin.token      the admin API's bearer token (`appliance.admin_api`)
    ssb-certs/       the SSB certificates the Spine broker trusts (`appliance.ssbcerts`);
                     ssb-sim/ the simulated SSB's CA in the demo

All but the certificates are readable by their owner alone (`appliance/statedir.py`).
"""

from __future__ import annotations

import os
import pwd
import secrets
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from appliance.common_pins import COMMON_PINS
from appliance.keys import Keys
from appliance.private import write_file, write_new

DEFAULT_STATE_DIR = "/var/lib/tapkiosk-appliance"
CONFIG_NAME = "appliance.toml"
SECRET_NAME = "secret.key"  # noqa: S105 - a file name
RETIRED_KEYS = "retired-keys"
DB_NAME = "appliance.db"
CA_CERT_NAME, CA_KEY_NAME = "ca.pem", "ca.key"
SERVER_CERT_NAME, SERVER_KEY_NAME = "server.pem", "server.key"
ADMIN_TOKEN_NAME = "admin.token"  # noqa: S105 - a file name: the admin API's bearer token


class ApplianceError(Exception):
    """An error the admin or the kiosk can act on; its text reads "unable to <verb>: <cause>"."""


def permission_denied(path: Path, verb: str) -> ApplianceError:
    """The one line for a file the running user may not use: whose it is and what to do."""
    return ApplianceError(
        f"unable to {verb} {path}: permission denied ({_owner(path)}; run as that user or root)"
    )


def _owner(path: Path) -> str:
    # a path under a directory we may not enter cannot be looked at: name the directory's owner
    for candidate in (path, *path.absolute().parents):
        try:
            uid = candidate.stat().st_uid
        except OSError:
            continue
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            name = f"uid {uid}"
        return f"owned by {name}" if candidate == path else f"{candidate} is owned by {name}"
    return "owner unknown"


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


SPINE_ENVIRONMENTS = ("production", "integration", "development")
SSB_CERTS = "ssb-certs"
# the longest a Spine session's grace may last, whatever a policy or the SSB says
SPINE_MAX_GRACE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class SpineSettings:
    """`[spine]`: which Spine environment this appliance serves, its SSB's URL there, and who
    may reset or delete Spine sessions and read the report over the API (`user@DOMAIN`)."""

    environment: str = "development"
    urls: tuple[tuple[str, str], ...] = ()
    administrators: tuple[str, ...] = ()
    timeout: float = 10.0

    @property
    def ssb_url(self) -> str:
        return dict(self.urls).get(self.environment, "")


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
    # PINs refused at enrollment as too common (`common_pins`, else the shipped list)
    common_pins: frozenset[str] = COMMON_PINS
    secret: bytes = field(default=b"", repr=False)
    retired_secrets: tuple[bytes, ...] = field(default=(), repr=False)
    spine: SpineSettings = field(default_factory=lambda: SpineSettings())

    @property
    def keys(self) -> Keys:
        return Keys(self.secret, self.retired_secrets)

    @property
    def ca_cert(self) -> Path:
        return self.state_dir / CA_CERT_NAME

    @property
    def ca_key(self) -> Path:
        return self.state_dir / CA_KEY_NAME

    @property
    def server_cert(self) -> Path:
        return self.state_dir / SERVER_CERT_NAME

    @property
    def server_key(self) -> Path:
        return self.state_dir / SERVER_KEY_NAME

    def ldap_for(self, domain: str) -> LdapDomain | None:
        for entry in self.ldap:
            if entry.domain.upper() == domain.upper():
                return entry
        return None


def default_state_dir() -> Path:
    return Path(os.environ.get("APPLIANCE_STATE_DIR") or DEFAULT_STATE_DIR)


def sqlite_url(state_dir: Path) -> str:
    return f"sqlite:///{(state_dir / DB_NAME).resolve()}"


def read_state_file(path: Path) -> bytes | None:
    """A state file's bytes, None if there is none; one clear line if it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise permission_denied(path, "read") from None
    except OSError as error:
        raise ApplianceError(f"unable to read {path}: {error.strerror}") from error


def _read_toml(path: Path) -> dict[str, Any]:
    data = read_state_file(path)
    try:
        return tomllib.loads(data.decode()) if data is not None else {}
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
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
    secret = read_state_file(state_dir / SECRET_NAME) or b""
    retired_dir = state_dir / RETIRED_KEYS
    retired = sorted(retired_dir.glob("*.key")) if retired_dir.is_dir() else []
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
        common_pins=_common_pins(raw),
        secret=secret,
        retired_secrets=tuple(read_state_file(path) or b"" for path in reversed(retired)),
        spine=_spine(_expect(raw, "spine", dict, {})),
    )


def _admin_name(text: str) -> str:
    # as the directory keeps names: user lower case, domain upper case
    username, _, domain = text.partition("@")
    return f"{username.strip().lower()}@{domain.strip().upper()}"


def _spine(table: dict[str, Any]) -> SpineSettings:
    environment = _expect(table, "environment", str, SpineSettings.environment)
    if environment not in SPINE_ENVIRONMENTS:
        raise ApplianceError(
            f"unable to read config: spine.environment {environment!r} is not one of "
            + ", ".join(SPINE_ENVIRONMENTS)
        )
    urls = _expect(table, "urls", dict, {})
    for name, url in urls.items():
        if name not in SPINE_ENVIRONMENTS or not isinstance(url, str):
            raise ApplianceError(f"unable to read config: spine.urls.{name} is not an environment")
        if not url.startswith("https://"):
            raise ApplianceError(f"unable to read config: spine.urls.{name} must be https://")
    administrators = _expect(table, "administrators", list, [])
    if not all(isinstance(name, str) and "@" in name for name in administrators):
        raise ApplianceError("unable to read config: spine.administrators lists user@DOMAIN names")
    return SpineSettings(
        environment=environment,
        urls=tuple(sorted(urls.items())),
        administrators=tuple(_admin_name(name) for name in administrators),
        timeout=float(_expect(table, "timeout", (int, float), SpineSettings.timeout)),
    )


def _common_pins(raw: dict[str, Any]) -> frozenset[str]:
    if "common_pins" not in raw:
        return COMMON_PINS
    pins = _expect(raw, "common_pins", list, [])
    # a TOML number would lose a PIN's leading zeros (0852)
    if not all(isinstance(pin, str) for pin in pins):
        raise ApplianceError(
            'unable to read config: common_pins must list PINs as strings, e.g. ["1212", "0852"]'
        )
    return frozenset(pins)


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
    # it may hold the database's password
    write_file(state_dir / CONFIG_NAME, ("\n".join(lines + tables) + "\n").encode())


def read_config_values(state_dir: Path) -> dict[str, Any]:
    return _read_toml(state_dir / CONFIG_NAME)


def ensure_secret(state_dir: Path) -> None:
    write_new(state_dir / SECRET_NAME, secrets.token_bytes(32))


def with_db(settings: Settings, db_url: str) -> Settings:
    return replace(settings, db_url=db_url)
