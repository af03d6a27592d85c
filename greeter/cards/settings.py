"""The `[cards]` section of the kiosk config: which readers to watch and how to read their cards.

```toml
[cards]
pcsc = true                      # watch PC/SC readers through pcscd
nfc = ["usb"]                    # nfcpy reader paths: usb, usb:VID:PID, tty:..., udp:HOST:PORT
virtual_socket = "/run/user/1000/tapkiosk/taps.sock"   # optional: taps from `greeter tap`

[[cards.reader]]                 # per-reader quirks, matched by a substring of the reader name
match = "OMNIKEY"
byte_order = "reversed"          # "as-is" (default) | "reversed": reader sends the UID LSB first
id_format = "hex"                # "hex" (default) | "decimal": reader sends ASCII decimal digits
kind = "auto"                    # "auto" (from the ATR, default) | "contact" | "contactless"

[[cards.atr_profile]]            # contact cards without CPLC: how to get an identifier
atr = "3B DB 96 00 80 1F 03 00 31 C0 64 77 E3 03 00 82 90 00 C1"
mask = "FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF 00"   # optional, default all FF
apdus = ["00A4040007A0000000030000", "80CA010000"]
take = "response[1][2:10]"       # APDU 1's response data (SW stripped), bytes 2..9; default:
                                 # all of the last ("response", "response[0]", "response[2:10]")
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from greeter.configkit import ConfigError, get, reject_unknown

ByteOrder = Literal["as-is", "reversed"]
IdFormat = Literal["hex", "decimal"]
KindSetting = Literal["auto", "contact", "contactless"]

_NFC_PATH = re.compile(r"^(usb(:[0-9A-Za-z]+(:[0-9A-Za-z]+)?)?|tty(:\S+)?|udp(:\S+)?)$")
_TAKE = re.compile(r"^response(?:\[(\d+)\])?(?:\[(-?\d*):(-?\d*)\])?$")


@dataclass(frozen=True)
class ReaderProfile:
    """How one model of reader reports identifiers; `match` is a substring of its name."""

    match: str = ""
    byte_order: ByteOrder = "as-is"
    id_format: IdFormat = "hex"
    kind: KindSetting = "auto"


@dataclass(frozen=True)
class AtrProfile:
    """APDUs that get an identifier out of contact cards whose ATR matches `atr` under `mask`."""

    atr: bytes
    mask: bytes
    apdus: tuple[bytes, ...]
    take_from: int  # index into `apdus` of the response holding the identifier
    take_start: int | None = None
    take_end: int | None = None

    def matches(self, atr: bytes) -> bool:
        if len(atr) != len(self.atr):
            return False
        return all((a & m) == (p & m) for a, p, m in zip(atr, self.atr, self.mask, strict=True))

    def take(self, data: bytes) -> bytes:
        return data[self.take_start : self.take_end]


DEFAULT_READER = ReaderProfile()


@dataclass(frozen=True)
class CardSettings:
    pcsc: bool = True
    nfc: tuple[str, ...] = ()
    virtual_socket: str | None = None
    readers: tuple[ReaderProfile, ...] = ()
    atr_profiles: tuple[AtrProfile, ...] = ()

    def reader_profile(self, reader_name: str) -> ReaderProfile:
        """The first profile whose `match` is in the reader's name (case-insensitive)."""
        lowered = reader_name.lower()
        for profile in self.readers:
            if profile.match.lower() in lowered:
                return profile
        return DEFAULT_READER

    def atr_profile(self, atr: bytes) -> AtrProfile | None:
        return next((p for p in self.atr_profiles if p.matches(atr)), None)


def parse(table: dict[str, Any], path: str) -> CardSettings:
    """The `[cards]` table as CardSettings; every mistake is a ConfigError naming key and fix."""
    prefix = "cards."
    reject_unknown(
        table, {"pcsc", "nfc", "virtual_socket", "reader", "atr_profile"}, path=path, prefix=prefix
    )
    pcsc = get(table, "pcsc", bool, True, path=path, prefix=prefix)
    nfc = get(table, "nfc", list, [], path=path, prefix=prefix)
    for index, device in enumerate(nfc):
        if not isinstance(device, str) or not _NFC_PATH.match(device):
            raise ConfigError(
                path,
                f"{prefix}nfc[{index}]",
                f"{device!r} is not an nfcpy reader path",
                'use "usb", "usb:VID:PID", "usb:BUS:DEV", "tty:DEVICE" or "udp:HOST:PORT"',
            )
    socket_path = get(table, "virtual_socket", str, "", path=path, prefix=prefix)
    if socket_path and not socket_path.startswith("/"):
        raise ConfigError(
            path, f"{prefix}virtual_socket", "is not an absolute path", "give a full path"
        )
    readers = get(table, "reader", list, [], path=path, prefix=prefix)
    profiles = get(table, "atr_profile", list, [], path=path, prefix=prefix)
    return CardSettings(
        pcsc=pcsc,
        nfc=tuple(nfc),
        virtual_socket=socket_path or None,
        readers=tuple(
            _reader(entry, path, f"{prefix}reader[{i}].") for i, entry in enumerate(readers)
        ),
        atr_profiles=tuple(
            _atr_profile(entry, path, f"{prefix}atr_profile[{i}].")
            for i, entry in enumerate(profiles)
        ),
    )


def _choice(
    table: dict[str, Any], key: str, choices: tuple[str, ...], path: str, prefix: str
) -> Any:
    value = get(table, key, str, choices[0], path=path, prefix=prefix)
    if value not in choices:
        raise ConfigError(
            path,
            f"{prefix}{key}",
            f"{value!r} is not allowed",
            f"use one of: {', '.join(repr(c) for c in choices)}",
        )
    return value


def _table(entry: Any, path: str, prefix: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ConfigError(
            path, prefix.rstrip("."), "expected a table", f"write it as [[{prefix.split('[')[0]}]]"
        )
    return entry


def _reader(entry: Any, path: str, prefix: str) -> ReaderProfile:
    table = _table(entry, path, prefix)
    reject_unknown(table, {"match", "byte_order", "id_format", "kind"}, path=path, prefix=prefix)
    match = get(table, "match", str, "", path=path, prefix=prefix)
    if not match:
        raise ConfigError(
            path, f"{prefix}match", "is missing or empty", "give part of the reader's name"
        )
    return ReaderProfile(
        match=match,
        byte_order=_choice(table, "byte_order", ("as-is", "reversed"), path, prefix),
        id_format=_choice(table, "id_format", ("hex", "decimal"), path, prefix),
        kind=_choice(table, "kind", ("auto", "contact", "contactless"), path, prefix),
    )


def _hex(table: dict[str, Any], key: str, path: str, prefix: str, *, min_len: int = 1) -> bytes:
    text = get(table, key, str, "", path=path, prefix=prefix)
    return _hex_text(text, f"{prefix}{key}", path, min_len)


def _hex_text(text: Any, key: str, path: str, min_len: int) -> bytes:
    try:
        value = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        value = b""
    if len(value) < min_len:
        raise ConfigError(
            path,
            key,
            f"{text!r} is not hex bytes" if text else "is missing",
            f'write at least {min_len} bytes as hex, e.g. "3B 8F 80 01"',
        )
    return value


def _atr_profile(entry: Any, path: str, prefix: str) -> AtrProfile:
    table = _table(entry, path, prefix)
    reject_unknown(table, {"atr", "mask", "apdus", "take"}, path=path, prefix=prefix)
    atr = _hex(table, "atr", path, prefix, min_len=2)
    mask = _hex(table, "mask", path, prefix) if "mask" in table else b"\xff" * len(atr)
    if len(mask) != len(atr):
        raise ConfigError(
            path, f"{prefix}mask", "is not as long as the ATR", "give one mask byte per ATR byte"
        )
    raw_apdus = get(table, "apdus", list, [], path=path, prefix=prefix)
    if not raw_apdus:
        raise ConfigError(path, f"{prefix}apdus", "is missing or empty", "list the APDUs as hex")
    apdus = tuple(
        _hex_text(text, f"{prefix}apdus[{i}]", path, 4) for i, text in enumerate(raw_apdus)
    )
    take = get(table, "take", str, "response", path=path, prefix=prefix)
    found = _TAKE.match(take.replace(" ", ""))
    if not found:
        raise ConfigError(
            path,
            f"{prefix}take",
            f"{take!r} is not understood",
            'write "response", "response[N]", "response[A:B]" or "response[N][A:B]"',
        )
    index_text, start_text, end_text = found.groups()
    take_from = int(index_text) if index_text is not None else len(apdus) - 1
    if take_from >= len(apdus):
        raise ConfigError(
            path,
            f"{prefix}take",
            f"there is no APDU {take_from} (counting from 0)",
            f"use an index below {len(apdus)}",
        )
    return AtrProfile(
        atr=atr,
        mask=mask,
        apdus=apdus,
        take_from=take_from,
        take_start=int(start_text) if start_text else None,
        take_end=int(end_text) if end_text else None,
    )
