"""The uvicorn entry point: builds the app with the background work attached (the composition root)."""
from __future__ import annotations

import importlib


def app():
    """Modules are imported by name so that the core package never imports the HTTP or push layers."""
    create_app = importlib.import_module("api.app").create_app
    return create_app(lifespan_hooks=_background())


def _background():
    from flexpool import scheduler
    if not scheduler.enabled():
        return []
    dispatcher = importlib.import_module("notifications.runner").running
    return [scheduler.running, dispatcher]
