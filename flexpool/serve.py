"""The uvicorn entry point: builds the app with the background work attached."""
from __future__ import annotations

import importlib


def app():
    """Imported by name so that the core package never imports the HTTP layer."""
    create_app = importlib.import_module("api.app").create_app
    return create_app(lifespan_hooks=_background())


def _background():
    from flexpool import scheduler
    return [scheduler.running] if scheduler.enabled() else []
