"""The kiosk's one config file (TOML) -> frozen dataclasses.

Every problem is a `ConfigError` naming the file, the key and the fix: a missing file, broken
TOML, a wrong type, an unknown key (a misspelling silently ignored is a kiosk misconfigured).
`[cards]` and `[session]` belong to their packages (`greeter.cards.settings.parse`,
`greeter.session.settings.parse`); this module hands them their table.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from greeter import bundle
from greeter.configkit import ConfigError, get, reject_unknown
from greeter.flow import FlowSettings

Locale = Literal["en", "sv", "auto"]
LOCALES: tuple[Locale, ...] = ("en", "sv", "auto")
SECTIONS = {"kiosk", "appliance", "cards", "session", "spine"}
KIOSK_KEYS = {
    "name",
    "locale",
    "event_log",
    "busy_delay",
    "error_seconds",
    "retry_seconds",
    "entry_timeout",
    "help_line",
    "state_dir",
}
APPLIANCE_KEYS = {"url", "urls", "ca", "kiosk_secret_file", "timeout", "connect_timeout"}
# appliances a kiosk may fail over between (`urls`); more is a misconfiguration, not a fleet
MAX_URLS = 8
SPINE_KEYS = {"environment", "card_removal_ends_session", "idle_seconds"}
SPINE_ENVIRONMENTS = ("production", "integration", "development")


@dataclass(frozen=True)
class KioskConfig:
    name: str = "kiosk"
    locale: Locale = "auto"
    # the event log file (DESIGN.md contract); empty: the journal only
    event_log: str = ""
    # greeter timings, seconds
    busy_delay: float = 0.3
    # read so that older config files still load; unused: errors stay until dismissed
    error_seconds: float = 5.0
    retry_seconds: float = 30.0
    entry_timeout: int = 60
    # the end of every error on screen, in the site's words ("Call IT on 4444")
    help_line: str = ""
    # where the offline-login cache, its key and the offline event queue live (0700, the
    # greeter's user only); empty: $XDG_STATE_HOME/tapkiosk (~/.local/state/tapkiosk)
    state_dir: str = ""


@dataclass(frozen=True)
class ApplianceConfig:
    # in the order the kiosk tries them (`urls`, or the one `url`)
    urls: tuple[str, ...]
    ca: str
    kiosk_secret_file: str
    # the kiosk's credential, read from kiosk_secret_file; never shown
    kiosk_secret: str = field(repr=False)
    timeout: float = 10.0
    connect_timeout: float = 3.0

    @property
    def url(self) -> str:
        """The first appliance: the one the kiosk tries first."""
        return self.urls[0]


@dataclass(frozen=True)
class SpineConfig:
    """`[spine]`, with the NHS Identity Agent's defaults under Spine support."""

    # the Spine environment this kiosk is set up for; stated in its Spine requests and
    # refused by an appliance serving another
    environment: str = "development"
    # the Identity Agent's CardRemovalCheck, which Spine support turns off
    card_removal_ends_session: bool = False
    # its IdleWaitPeriodInSeconds under Spine support
    idle_seconds: int = 36000


@dataclass(frozen=True)
class Config:
    path: str
    kiosk: KioskConfig
    appliance: ApplianceConfig
    # parsed by greeter.cards.settings / greeter.session.settings (their own dataclasses)
    cards: Any
    session: Any
    spine: SpineConfig = SpineConfig()

    def flow_settings(self) -> FlowSettings:
        return FlowSettings(
            kiosk_name=self.kiosk.name,
            busy_delay=self.kiosk.busy_delay,
            call_timeout=self.appliance.timeout,
            entry_timeout=self.kiosk.entry_timeout,
            help_line=self.kiosk.help_line,
        )


def load(path: str | Path) -> Config:
    """Read and check the config file at `path`."""
    return parse(read_table(path), path=str(path))


def read_table(path: str | Path) -> dict[str, Any]:
    """The config file at `path` as a TOML table, not yet checked."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            name, "(file)", "not found", "create it (see packaging/greeter.toml) or pass --config"
        ) from None
    except OSError as error:
        raise ConfigError(
            name, "(file)", f"unable to read: {error.strerror}", "check its permissions"
        ) from None
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(name, "(file)", "not UTF-8 text", "save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(name, "(syntax)", str(error), "fix the TOML syntax there") from None
    return bundle.overlay(table, Path(path))


def parse(table: dict[str, Any], *, path: str) -> Config:
    reject_unknown(table, SECTIONS, path=path, prefix="")
    kiosk = parse_kiosk(_section(table, "kiosk", path), path)
    appliance = parse_appliance(_section(table, "appliance", path, required=True), path)
    cards = _delegate("greeter.cards.settings", _section(table, "cards", path), path)
    session = _delegate("greeter.session.settings", _section(table, "session", path), path)
    spine = parse_spine(_section(table, "spine", path), path)
    return Config(path, kiosk, appliance, cards, session, spine)


def _section(table: dict[str, Any], name: str, path: str, required: bool = False) -> dict[str, Any]:
    if name not in table:
        if required:
            raise ConfigError(path, f"[{name}]", "missing", f"add a [{name}] section")
        return {}
    value = table[name]
    if not isinstance(value, dict):
        raise ConfigError(path, name, "expected a [section]", f"write it as [{name}]")
    return value


def parse_kiosk(table: dict[str, Any], path: str) -> KioskConfig:
    prefix = "kiosk."
    reject_unknown(table, KIOSK_KEYS, path=path, prefix=prefix)
    defaults = KioskConfig()
    name = get(table, "name", str, defaults.name, path=path, prefix=prefix).strip()
    if not name:
        raise ConfigError(path, "kiosk.name", "empty", "give the kiosk a name")
    locale = get(table, "locale", str, defaults.locale, path=path, prefix=prefix)
    if locale not in LOCALES:
        raise ConfigError(path, "kiosk.locale", f"unknown locale {locale!r}", "use en, sv or auto")
    return KioskConfig(
        name=name,
        locale=locale,
        event_log=get(table, "event_log", str, defaults.event_log, path=path, prefix=prefix),
        busy_delay=_seconds(table, "busy_delay", defaults.busy_delay, path, prefix, 0, 5),
        error_seconds=_seconds(table, "error_seconds", 5.0, path, prefix, 1, 600),
        retry_seconds=_seconds(table, "retry_seconds", 30.0, path, prefix, 1, 600),
        entry_timeout=int(_seconds(table, "entry_timeout", 60, path, prefix, 5, 3600)),
        help_line=_help_line(table, path, prefix),
        state_dir=get(table, "state_dir", str, defaults.state_dir, path=path, prefix=prefix),
    )


def parse_spine(table: dict[str, Any], path: str) -> SpineConfig:
    prefix = "spine."
    reject_unknown(table, SPINE_KEYS, path=path, prefix=prefix)
    defaults = SpineConfig()
    environment = get(table, "environment", str, defaults.environment, path=path, prefix=prefix)
    if environment not in SPINE_ENVIRONMENTS:
        raise ConfigError(
            path,
            "spine.environment",
            f"unknown {environment!r}",
            "use production, integration or development",
        )
    removal = get(
        table,
        "card_removal_ends_session",
        bool,
        defaults.card_removal_ends_session,
        path=path,
        prefix=prefix,
    )
    idle = int(_seconds(table, "idle_seconds", defaults.idle_seconds, path, prefix, 0, 86400))
    return SpineConfig(environment, removal, idle)


HELP_LINE_MAX = 80


def _help_line(table: dict[str, Any], path: str, prefix: str) -> str:
    line = get(table, "help_line", str, "", path=path, prefix=prefix).strip()
    key = prefix + "help_line"
    if not line.isprintable():
        raise ConfigError(path, key, "has a line break or control character", "write one line")
    if len(line) > HELP_LINE_MAX:
        raise ConfigError(
            path,
            key,
            f"is {len(line)} characters long",
            f"shorten it to {HELP_LINE_MAX}: it ends every error on the screen",
        )
    return line


def parse_appliance(table: dict[str, Any], path: str) -> ApplianceConfig:
    prefix = "appliance."
    reject_unknown(table, APPLIANCE_KEYS, path=path, prefix=prefix)
    for key in ("ca", "kiosk_secret_file"):
        if key not in table:
            raise ConfigError(path, prefix + key, "missing", f"set {prefix}{key}")
    urls = _urls(table, path, prefix)
    base = Path(path).parent
    ca = _existing_file(table, "ca", path, prefix, base)
    secret_file = _existing_file(table, "kiosk_secret_file", path, prefix, base)
    try:
        secret = bundle.secret(Path(secret_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            path,
            "appliance.kiosk_secret_file",
            f"unable to read {secret_file}: {error}",
            "check the file and its permissions",
        ) from None
    if not secret:
        raise ConfigError(
            path,
            "appliance.kiosk_secret_file",
            f"{secret_file} is empty",
            "put the secret from `appliance kiosk add` in it",
        )
    return ApplianceConfig(
        urls=urls,
        ca=ca,
        kiosk_secret_file=secret_file,
        kiosk_secret=secret,
        timeout=_seconds(table, "timeout", 10.0, path, prefix, 1, 120),
        connect_timeout=_seconds(table, "connect_timeout", 3.0, path, prefix, 0.5, 60),
    )


def _urls(table: dict[str, Any], path: str, prefix: str) -> tuple[str, ...]:
    """`urls = [...]` (tried in order), or the one `url`; each an https:// URL."""
    if "url" in table and "urls" in table:
        raise ConfigError(
            path, prefix + "url", "set together with appliance.urls", "keep only appliance.urls"
        )
    if "urls" in table:
        key = prefix + "urls"
        listed = get(table, "urls", list, [], path=path, prefix=prefix)
        if not listed:
            raise ConfigError(path, key, "empty", 'list the appliances: ["https://HOST:PORT"]')
        if len(listed) > MAX_URLS:
            raise ConfigError(path, key, f"lists {len(listed)} URLs", f"list at most {MAX_URLS}")
    elif "url" in table:
        key, listed = prefix + "url", [get(table, "url", str, "", path=path, prefix=prefix)]
    else:
        raise ConfigError(path, prefix + "url", "missing", f"set {prefix}url or {prefix}urls")
    urls: list[str] = []
    for value in listed:
        url = value.strip().rstrip("/") if isinstance(value, str) else value
        if not isinstance(url, str) or not _is_https(url):
            raise ConfigError(path, key, f"{url!r} is not an https:// URL", "use https://HOST:PORT")
        if url in urls:
            raise ConfigError(path, key, f"{url!r} is listed twice", "list each appliance once")
        urls.append(url)
    return tuple(urls)


def _is_https(url: str) -> bool:
    """An https:// URL with a host and nothing that would end up in the event log as a
    secret (a user or password before the host)."""
    try:
        parts = urlsplit(url)
        return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc
    except ValueError:  # such as an unclosed [IPv6 address
        return False


def _seconds(
    table: dict[str, Any], key: str, default: float, path: str, prefix: str, low: float, high: float
) -> float:
    value = get(table, key, (int, float), default, path=path, prefix=prefix)
    if not low <= value <= high:
        raise ConfigError(
            path, prefix + key, f"{value} is out of range", f"use {low:g} to {high:g} seconds"
        )
    return float(value)


def _existing_file(table: dict[str, Any], key: str, path: str, prefix: str, base: Path) -> str:
    value = get(table, key, str, "", path=path, prefix=prefix)
    # a relative path is relative to the config file, not to wherever the greeter was started
    resolved = Path(value) if Path(value).is_absolute() else base / value
    if not resolved.is_file():
        raise ConfigError(
            path, prefix + key, f"no file at {resolved}", "point it at an existing file"
        )
    return str(resolved)


def _delegate(module_name: str, table: dict[str, Any], path: str) -> Any:
    """Hand a section to the package that owns it; its parse raises ConfigError itself."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return dict(table)  # that package has no settings yet: keep the raw table
    parse_section: Callable[..., Any] = module.parse
    return parse_section(table, path=path)
