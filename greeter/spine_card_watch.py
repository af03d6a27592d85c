"""The Spine smartcard as the kiosk sees it: which contact reader holds one now, for the
in-session agent, and whether taking it out ends the user's Spine session.

A Spine card put in or taken out is a `greeter.cards.SpineCardEvent`, never a tap: the login
flow ignores it and `greeter.app.Kiosk` hands it here, on the main thread, with the id of the
user's session if one runs. The agent subscribes (`kiosk.spine_card.subscribe(listener)`, the
listener is called on the main thread) and reads `present`; it signs through a
`greeter.spine_signer.SpineSigner`.

`[spine] card_removal_ends_session` is the NHS Identity Agent's CardRemovalCheck (off under
Spine support, so off by default): when on, the Spine card leaving a reader during a session
ends that session's Spine session on the appliance (`SpineClient.end`); when off, a removal
changes nothing but `present`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from greeter.backend import BackendError
from greeter.cards import SpineCardEvent

log = logging.getLogger(__name__)

SpineCardListener = Callable[[SpineCardEvent], None]


def spine_session_to_end(
    event: SpineCardEvent, *, removal_ends_session: bool, session_id: str | None
) -> str | None:
    """The session whose Spine session `event` ends, or None: only a removal, only with
    `card_removal_ends_session`, only while a user's session runs (locked or not)."""
    if not removal_ends_session or event.action != "removed":
        return None
    return session_id


class SpineCardWatch:
    """Which readers hold a Spine card, its listeners, and the end of a Spine session on
    removal. `end(session_id)` is `SpineClient.end`; it runs off the main thread."""

    def __init__(
        self,
        *,
        removal_ends_session: bool = False,
        end: Callable[[str], None] | None = None,
    ) -> None:
        self.removal_ends_session = removal_ends_session
        self._end = end
        self._readers: set[str] = set()
        self._listeners: list[SpineCardListener] = []

    @property
    def present(self) -> bool:
        """Whether a Spine card is in a contact reader now."""
        return bool(self._readers)

    def subscribe(self, listener: SpineCardListener) -> None:
        """Call `listener(event)` on the main thread for each Spine card in or out."""
        self._listeners.append(listener)

    def handle(self, event: SpineCardEvent, session_id: str | None) -> str | None:
        """Note `event` (main thread), tell the listeners; the session whose Spine session
        now ends, if any (the kiosk runs `end_session` for it in the background)."""
        if event.action == "inserted":
            self._readers.add(event.reader)
        else:
            self._readers.discard(event.reader)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # one broken listener must not cost the others their event
                log.exception("Spine card listener failed")
        if self._end is None:
            return None
        return spine_session_to_end(
            event, removal_ends_session=self.removal_ends_session, session_id=session_id
        )

    def end_session(self, session_id: str) -> None:
        """End the Spine session of `session_id` on the appliance (a worker thread)."""
        if self._end is None:
            return
        try:
            self._end(session_id)
        except BackendError as error:
            log.warning("unable to end the Spine session after the card was taken out: %s", error)
