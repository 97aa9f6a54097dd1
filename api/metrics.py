"""What operators watch besides HTTP timings: how accepts end, and why they are refused."""
from __future__ import annotations

from prometheus_client import Counter

ACCEPTS = Counter("flexpool_accepts", "Accepts by outcome", ["outcome"])
REFUSALS = Counter("flexpool_refusals", "Refused accepts by the first blocker's problem type", ["type"])
