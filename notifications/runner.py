"""Runs the dispatcher beside the API (lifespan hook): LISTEN/NOTIFY wakes it within a second."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from notifications.dispatcher import Dispatcher
from notifications.fcm import FcmSender

log = logging.getLogger("flexpool.notifications")


class App(Protocol):
    """The app this runs beside (the push layer knows nothing of HTTP): its state holds the pool and settings."""

    state: Any


@asynccontextmanager
async def running(app: App) -> AsyncIterator[Dispatcher]:
    sender = FcmSender.from_environment()
    if sender is None:
        log.warning("Firebase credentials not configured: notifications are recorded (see /v1/me/notifications) "
                    "but not pushed")
    dispatcher = Dispatcher(app.state.pool, sender)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(app.state.settings.database_url, stop))
    app.state.dispatcher = dispatcher
    try:
        yield dispatcher
    finally:
        stop.set()
        dispatcher.wake.set()
        try:
            await asyncio.wait_for(task, timeout=10)
        except TimeoutError:
            task.cancel()
        if sender is not None:
            await sender.aclose()
