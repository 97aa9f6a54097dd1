"""Push health for operators: device outcomes, dead letters, and how much waits to go out."""
from __future__ import annotations

from prometheus_client import Counter, Gauge

PUSHES = Counter("flexpool_pushes", "Pushes to devices by outcome", ["outcome"])
DEAD_LETTERS = Counter("flexpool_notifications_dead_lettered", "Notifications given up after the last attempt")
RETRIES_WAITING = Gauge("flexpool_notifications_retry_waiting",
                        "Notifications waiting for another attempt after a temporary failure",
                        multiprocess_mode="mostrecent")  # each process reads the same table: the latest reading
BACKLOG = Gauge("flexpool_outbox_due", "Notifications due now and not yet sent (at the last dispatch round)",
                multiprocess_mode="mostrecent")
