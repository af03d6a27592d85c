"""All card sources of a kiosk, wired in one place from its settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from greeter.cards import CardSource
from greeter.cards.nfc import NfcSource
from greeter.cards.settings import CardSettings


def build_sources(
    settings: CardSettings,
    *,
    virtual_socket: Path | None,
    on_lock: Callable[[], None] | None = None,
) -> list[CardSource]:
    """PC/SC (if enabled), one NfcSource per configured path, and virtual taps.

    Virtual taps listen on `virtual_socket` when given (the demo, `greeter tap`), else on
    `settings.virtual_socket` when configured; `on_lock` is called for a virtual lock request.
    """
    sources: list[CardSource] = []
    if settings.pcsc:
        from greeter.cards.pcsc import PcscSource  # loads libpcsclite: only when wanted

        sources.append(PcscSource(settings))
    sources.extend(NfcSource(path, settings) for path in settings.nfc)
    socket_path = virtual_socket_path(settings, virtual_socket)
    if socket_path is not None:
        from greeter.cards.virtual import VirtualTapSource

        sources.append(VirtualTapSource(socket_path, on_lock=on_lock))
    return sources


def virtual_socket_path(settings: CardSettings, override: Path | None) -> Path | None:
    """Where virtual taps are listened for: `override` (the demo, tests), else the config's
    `[cards] virtual_socket`, else nowhere."""
    if override is not None:
        return override
    return Path(settings.virtual_socket) if settings.virtual_socket else None
