"""Work that runs while the server serves: begun at its start-up, ended at its shut-down,
around whatever else the app already does then."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI


def while_serving(app: FastAPI, begin: Callable[[], Callable[[], object]]) -> None:
    """Call `begin` at start-up (on the event loop: it may create tasks) and what it returns
    at shut-down."""
    previous = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(running: Any) -> AsyncIterator[Any]:
        end = begin()
        try:
            async with previous(running) as state:
                yield state
        finally:
            end()

    app.router.lifespan_context = lifespan
