"""Metrics across the processes of `flexpool serve --workers N`.

Each HTTP process counts for itself; prometheus_client's multiprocess mode lets them write their values to a
shared folder, and every scrape adds them up, so `/metrics` is the service's total whichever process answers.
With `FLEXPOOL_METRICS_PORT` the supervising process serves that port (the workers cannot all bind it).
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

SUPERVISED = "FLEXPOOL_METRICS_SUPERVISED"


@contextmanager
def shared_between(workers: int, settings):
    """Around the HTTP server: with several workers, a fresh shared metrics folder (values of an earlier run
    would otherwise be added in) and the metrics port served from here."""
    if workers <= 1:
        yield
        return
    folder = settings.data_dir / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    server = None
    if settings.metrics_port is not None:
        from prometheus_client import CollectorRegistry, multiprocess, start_http_server

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        server, thread = start_http_server(settings.metrics_port, addr=settings.host, registry=registry)
        os.environ[SUPERVISED] = "1"
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)
