"""The entry point of `flexpool serve`'s worker processes (Granian): builds the app with the background work
attached (the composition root)."""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def app() -> Any:
    """Modules are imported by name so that the core package never imports the HTTP or push layers.
    Behind a proxy on FLEXPOOL_TRUSTED_PROXIES (default: this machine), X-Forwarded-For names the client."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    _die_with_supervisor()
    create_app = importlib.import_module("api.app").create_app
    trusted = os.environ.get("FLEXPOOL_TRUSTED_PROXIES", "127.0.0.1")
    return wrap_asgi_with_proxy_headers(create_app(lifespan_hooks=_background()), trusted_hosts=trusted)


def _background() -> list[Callable[[Any], Any]]:
    from flexpool import scheduler
    if not scheduler.enabled():
        return []
    dispatcher = importlib.import_module("notifications.runner").running
    return [scheduler.running, dispatcher]


SUPERVISOR = "FLEXPOOL_SUPERVISOR_PID"


def _die_with_supervisor() -> None:
    """A worker process never outlives `flexpool serve`: killed with SIGKILL (an OOM kill, `kill -9`), the
    supervisor cannot stop its workers, and they would go on serving the port with nobody to restart them.
    Linux ends them with it (PR_SET_PDEATHSIG); one whose supervisor died before this ran ends itself."""
    supervisor = os.environ.get(SUPERVISOR)
    if supervisor is None or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != int(supervisor):
        os._exit(1)
