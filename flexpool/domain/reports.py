"""The arithmetic of the reports, over what they read: how well shifts get filled, and how many minutes each
organisation lent and borrowed in a month (from the month's statements, so the report and the invoices agree)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from statistics import median
from typing import Protocol

import msgspec

from flexpool.domain.statements import Statement
from flexpool.domain.vocabulary import ShiftStatus


class PublishedShift(Protocol):
    """What the fill rate counts of a shift (flexpool.db.shifts.FillFacts is one)."""

    @property
    def status(self) -> str: ...
    @property
    def places(self) -> int: ...
    @property
    def places_filled(self) -> int: ...
    @property
    def published_at(self) -> datetime: ...
    @property
    def filled_at(self) -> datetime | None: ...


class FillFigures(msgspec.Struct, frozen=True):
    """Shifts published, filled (every place) and cancelled; the share of those not cancelled that filled
    (None: nothing to count), and the median minutes from publishing to the last place filled."""

    published: int
    filled: int
    cancelled: int
    fill_rate: float | None
    median_minutes_to_fill: int | None


def fill_figures(shifts: Iterable[PublishedShift]) -> FillFigures:
    rows = list(shifts)
    cancelled = sum(1 for r in rows if r.status == ShiftStatus.CANCELLED)
    filled = [r for r in rows if r.status != ShiftStatus.CANCELLED and r.places_filled >= r.places]
    minutes = [(r.filled_at - r.published_at).total_seconds() / 60 for r in filled if r.filled_at]
    live = len(rows) - cancelled
    return FillFigures(published=len(rows), filled=len(filled), cancelled=cancelled,
                       fill_rate=round(len(filled) / live, 4) if live else None,
                       median_minutes_to_fill=round(median(minutes)) if minutes else None)


class LoanTotal(msgspec.Struct, frozen=True):
    """One organisation's minutes lent and borrowed in a month."""

    organisation_id: str
    name: str
    minutes_lent: int
    minutes_borrowed: int


def loan_totals(statements: Iterable[Statement]) -> list[LoanTotal]:
    """Every organisation on a statement of the month, by name."""
    lent: dict[str, int] = {}
    borrowed: dict[str, int] = {}
    names: dict[str, str] = {}
    for st in statements:
        lent[st.lender.id] = lent.get(st.lender.id, 0) + st.totals.minutes
        borrowed[st.borrower.id] = borrowed.get(st.borrower.id, 0) + st.totals.minutes
        names[st.lender.id], names[st.borrower.id] = st.lender.name, st.borrower.name
    return [LoanTotal(o, names[o], lent.get(o, 0), borrowed.get(o, 0)) for o in sorted(names, key=lambda x: names[x])]
