"""An offer as a pool worker sees it."""
from __future__ import annotations

from api.shifts.schemas import Shift
from api.wire import BlockerOut, Out


class Offer(Out):
    shift: Shift
    can_accept: bool
    blockers: list[BlockerOut]
    within_availability: bool = True  # inside the worker's windows and weekly cap of extra minutes
