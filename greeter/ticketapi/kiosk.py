"""The ticket API on a running kiosk: follows who holds the kiosk, answers from the appliance.

api = TicketApi(ticket_socket(config), SpineClient(backend, config.spine.environment))
if api.start():                         # False: logged, the kiosk works on without it
    kiosk.subscribe(lambda _view: api.follow(kiosk.state))
    kiosk.on_close(api.stop)
"""

from __future__ import annotations

from pathlib import Path

from greeter.flow.state import State
from greeter.localsock import runtime_dir
from greeter.ticketapi.answers import Answer, Holder, TicketSource, answer, holder_of
from greeter.ticketapi.server import TicketServer


def ticket_socket(state_dir: str) -> Path:
    """Under `[kiosk] state_dir` when the config sets one (one kiosk's files together), else in
    the greeter's runtime dir; either way in a 0700 directory of its own."""
    if state_dir:
        return Path(state_dir) / "run" / "ticket.sock"
    return runtime_dir() / "ticket.sock"


class TicketApi:
    def __init__(self, path: Path, spine: TicketSource) -> None:
        self.path = path
        self._spine = spine
        # replaced whole (one reference: atomic), read by the server's workers
        self._current: tuple[Holder | None, bool] = (None, False)
        self._server = TicketServer(path, self._answer)

    def start(self) -> bool:
        return self._server.start()

    def stop(self) -> None:
        self._current = (None, False)
        self._server.stop()

    def follow(self, state: State) -> None:
        """The kiosk's state changed (main thread): whose ticket may be handed out now."""
        self._current = (holder_of(state), state.desktop is not None)

    def _answer(self, line: bytes) -> Answer:
        return answer(line, lambda: self._current, self._spine)
