"""An offer as a pool worker sees it."""
from __future__ import annotations

from uuid import UUID

from api.shifts.schemas import Shift
from api.wire import Blocker, Out, ShiftBlockers


class SeriesOffer(Out):
    """A series, offered once: every shift a series accept books, and why any of them cannot be taken."""

    id: UUID
    shifts: list[Shift]
    blockers: list[ShiftBlockers]


class Offer(Out):
    shift: Shift  # of a series: its first shift still ahead
    can_accept: bool
    blockers: list[Blocker]
    within_availability: bool = True  # inside the worker's windows and weekly cap of extra minutes
    series: SeriesOffer | None = None  # accept it with POST /v1/series/{id}/accept
