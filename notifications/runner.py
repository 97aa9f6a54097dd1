"""Runs the dispatcher beside the API (lifespan hook): LISTEN/NOTIFY wakes it within a second."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from notifications.dispatcher import Dispatcher
from notifications.fcm import FcmSender

log = logging.getLogger("flexpool.notifications")


@asynccontextmanager
async def running(app):
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
