"""Metrics across the processes of `flexpool serve --workers N`.

Each HTTP process counts for itself; prometheus_client's multiprocess mode lets them write their values to a
shared folder, and every scrape adds them up, so `/metrics` is the service's total whichever process answers.
With `FLEXPOOL_METRICS_PORT` the supervising process serves that port (the workers cannot all bind it).
"""
from __future__ import annotations

import glob
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flexpool.config import Settings

# prometheus_client is imported where it is used, never at import time: it chooses between in-process and shared
# values when first imported, and `flexpool serve` must set the shared folder before that happens in any process.

SUPERVISED = "FLEXPOOL_METRICS_SUPERVISED"
log = logging.getLogger("flexpool.metrics")


def registry() -> Any:
    """What a scrape reads: this process's values, or every worker's added up under `flexpool serve`."""
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY

    from prometheus_client.mmap_dict import MmapedDict

    def readable(path: str) -> bool:
        """Whether a worker's values file reads whole now; a file caught mid-write gets a second look."""
        for _ in range(2):
            try:
                if os.path.getsize(path) == 0:
                    return False
                MmapedDict.read_all_values_from_file(path)
                return True
            except FileNotFoundError:  # its process ended and the file went with it
                return False
            except Exception as exc:  # struct.error, RuntimeError("Read beyond file size"), UnicodeDecodeError
                log.info("metrics file %s not readable yet (%s)", os.path.basename(path), exc)
        return False

    class ScrapeSafeCollector(multiprocess.MultiProcessCollector):
        """prometheus_client's multiprocess collector, minus the files another process is writing right now.

        A process creates its values file and only then sizes it, and appends a value before it raises the
        count of bytes used, so a scrape at that moment fails the whole collection (`struct.error`, a 500 on
        /metrics: prometheus/client_python#1199, seen here under the fuzzer). Such a file is read again, and
        left out of this one scrape if it still does not read: its values are in the next."""

        def collect(self) -> Any:
            return self.merge([f for f in glob.glob(os.path.join(self._path, "*.db")) if readable(f)],
                              accumulate=True)

    merged = CollectorRegistry()
    ScrapeSafeCollector(merged)
    return merged


@contextmanager
def shared_between(workers: int, settings: Settings) -> Iterator[None]:
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
        from prometheus_client import start_http_server

        server, thread = start_http_server(settings.metrics_port, addr=settings.host, registry=registry())
        os.environ[SUPERVISED] = "1"
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)
