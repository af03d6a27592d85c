"""The kiosk as `greeter run` and `greeter demo` wire it: the real backend, the event log, the
session runner and the card sources, around a `Kiosk` and the caller's `Executor`.

The Qt UI calls `build_kiosk` through the factory `greeter.cli` hands to `greeter.ui.main.run`.
"""

from __future__ import annotations

from pathlib import Path

from greeter.app import Executor, Kiosk
from greeter.backend import Backend, BackendSettings
from greeter.cards.readiness import configured
from greeter.cards.settings import CardSettings
from greeter.cards.sources import build_sources, virtual_socket_path
from greeter.config import Config
from greeter.configkit import ConfigError
from greeter.desktop import RunnerSessions
from greeter.events import EventLog
from greeter.flow.inputs import InactivityTimedOut, SessionExited
from greeter.flow.model import LockRequested
from greeter.offline_cache import OfflineCache
from greeter.offline_logins import OfflineLogins
from greeter.offline_queue import OfflineQueue
from greeter.session import SessionSettings
from greeter.spine_card_watch import SpineCardWatch
from greeter.spine_client import SpineClient
from greeter.spine_signer import SpineSigner
from greeter.statefiles import default_state_dir
from greeter.ticketapi import TICKET_SOCKET_VAR
from greeter.ticketapi.kiosk import TicketApi, ticket_socket


def offline_logins(config: Config, event_log: EventLog) -> OfflineLogins:
    """The offline-login cache and queue in the kiosk's state dir (nothing is written there
    until the appliance allows a login to be cached, or something happens offline)."""
    state_dir = state_dir_of(config)
    return OfflineLogins(OfflineCache(state_dir), OfflineQueue(state_dir), event_log)


def state_dir_of(config: Config) -> Path:
    return Path(config.kiosk.state_dir) if config.kiosk.state_dir else default_state_dir()


def build_kiosk(
    config: Config,
    executor: Executor,
    *,
    event_log_path: str | None = None,
    virtual_socket: Path | None = None,
    card_sources: bool = True,
) -> Kiosk:
    """The whole kiosk for `config`: the real backend, event log and session runner.
    `kiosk.start()` starts the card sources (from `[cards]`, plus virtual taps on
    `virtual_socket`) and asks the appliance for its settings; `kiosk.close()` stops the
    sources, ends the session and closes the backend and the log. With
    `[session] lock_after_idle_seconds` an X idle watcher locks a session left alone. The
    ticket API serves the signed-in user's Spine ticket to their session's programs, and with
    `[spine] idle_seconds` an X idle watcher ends the Spine session of a user gone quiet."""
    # sections the config could not hand over: refused before anything is opened
    if not isinstance(config.session, SessionSettings):
        raise ConfigError(config.path, "[session]", "missing", "add a [session] section")
    if card_sources and not isinstance(config.cards, CardSettings):
        raise ConfigError(config.path, "[cards]", "could not be read", "check the section")
    appliance = config.appliance
    # the kiosk secret keys the card-id hash: stable on this kiosk, unguessable elsewhere
    event_log = EventLog(event_log_path or config.kiosk.event_log, appliance.kiosk_secret.encode())
    event_log.start(config.kiosk.name, config.path)
    backend = Backend(
        BackendSettings(
            url=appliance.urls[0],
            ca_path=appliance.ca,
            kiosk_name=config.kiosk.name,
            kiosk_secret=appliance.kiosk_secret,
            connect_timeout=appliance.connect_timeout,
            read_timeout=appliance.timeout,
            failover_urls=appliance.urls[1:],
        ),
        on_failover=event_log.failover,
    )
    backend.keep_warm()
    spine = SpineClient(backend, config.spine.environment)
    tickets = TicketApi(ticket_socket(config.kiosk.state_dir), spine)
    serving = tickets.start()
    sessions = RunnerSessions(
        config.session, {TICKET_SOCKET_VAR: str(tickets.path)} if serving else None
    )
    kiosk = Kiosk(
        settings=config.flow_settings(),
        executor=executor,
        backend=backend,
        sessions=sessions,
        event_log=event_log,
        offline_logins=offline_logins(config, event_log),
        spine_card=SpineCardWatch(
            removal_ends_session=config.spine.card_removal_ends_session, end=spine.end
        ),
    )
    sessions.on_exit = lambda session, code, apps: kiosk.post(SessionExited(session, code, apps))
    idle_seconds = config.session.lock_after_idle_seconds
    if idle_seconds > 0:
        from greeter.session.idle import IdleWatcher  # ctypes and libXss: only when configured

        watcher = IdleWatcher(idle_seconds, lambda: kiosk.post(InactivityTimedOut()))
        if watcher.start():
            # idling counts only while the user's running session is in plain view (not while
            # it starts: busy); the flow checks again when the report arrives
            kiosk.subscribe(
                lambda shown: watcher.set_active(shown.screen == "session" and not shown.busy)
            )
            kiosk.on_close(watcher.stop)
    if serving:
        # the ticket API follows who holds the kiosk; it stops before the backend closes
        kiosk.subscribe(lambda _shown: tickets.follow(kiosk.state))
        kiosk.on_close(tickets.stop)
    if config.spine.idle_seconds > 0:
        from greeter.spine_idle import SpineIdle  # ctypes and libXss, as the lock's watcher

        spine_idle = SpineIdle(config.spine.idle_seconds, spine)
        if spine_idle.start():
            kiosk.subscribe(lambda _shown: spine_idle.follow(kiosk.state))
            kiosk.on_close(spine_idle.stop)
    # the stop line comes once the session has ended (its own line first)
    kiosk.on_close(sessions.stop, backend.close, event_log.stop, event_log.close)
    if card_sources:
        # what the config asks for, before any source has looked: the first frame already
        # tells a kiosk with no reader from one whose readers are still being looked at
        listens = virtual_socket_path(config.cards, virtual_socket) is not None
        for status in configured(config.cards, virtual=listens):
            kiosk.dispatch(status)
        kiosk.attach_sources(
            build_sources(
                config.cards,
                virtual_socket=virtual_socket,
                on_lock=lambda: kiosk.post(LockRequested()),
            )
        )
    return kiosk


def spine_signer(config: Config) -> SpineSigner:
    """The Spine smartcard the in-session agent has sign its challenges: a card in a contact
    reader through pcscd when `[cards] pcsc` is on, else none (a VSC user needs no card)."""
    if isinstance(config.cards, CardSettings) and config.cards.pcsc:
        from greeter.cards.spine_card import PcscSpineSigner

        return PcscSpineSigner(config.cards)
    from greeter.agent.nocard import NoSpineCard

    return NoSpineCard()
