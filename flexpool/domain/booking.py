"""Every check of an accept, in the contract's order: one pure function over plain values."""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from flexpool.domain import eligibility, worktime
from flexpool.domain.catalogue import Catalogue
from flexpool.domain.clock import month_of
from flexpool.domain.eligibility import Candidate, Offer
from flexpool.domain.model import Blocker, ordered
from flexpool.domain.vocabulary import BlockerType, Reason


def assess(*, shift: Offer, shift_status: str, places: int, places_filled: int, worker: Candidate,
           person: worktime.Person, existing: list[worktime.Interval], break_minutes: int,
           loaned_minutes_that_month: int, now: datetime, catalogue: Catalogue, rules: worktime.Rules,
           check_audience: bool = True) -> list[Blocker]:
    """All blockers, first one first; empty when the worker may take the shift now."""
    blockers: list[Blocker] = []
    if shift_status == "cancelled" or shift.starts_at <= now:
        blockers.append(Blocker(BlockerType.SHIFT_NOT_OPEN, Reason.NOT_OPEN))
    elif places_filled >= places:
        blockers.append(Blocker(BlockerType.SHIFT_FULL, Reason.FULL))
    if check_audience:
        blockers += eligibility.audience_blockers(worker, shift, now)
    candidate = worktime.Interval(shift.starts_at, shift.ends_at, break_minutes)
    blockers += worktime.check(candidate, existing, person, rules)
    blockers += eligibility.qualification_blockers(worker, shift, catalogue)
    blockers += eligibility.credential_blockers(worker, shift, catalogue)
    blockers += eligibility.loan_blockers(worker, shift, loaned_minutes_that_month)
    blockers += eligibility.exclusion_blockers(worker, shift)
    return ordered(blockers)


class SeriesPart(msgspec.Struct, frozen=True, kw_only=True):
    """One shift of a series as the checks see it."""

    shift_id: UUID
    offer: Offer
    status: str
    places: int
    places_filled: int
    break_minutes: int
    person: worktime.Person  # the worker on that day (age)
    already_booked: bool = False


def assess_series(*, parts: list[SeriesPart], worker: Candidate, existing: list[worktime.Interval],
                  loaned_by_month: dict[date, int], now: datetime, catalogue: Catalogue, rules: worktime.Rules,
                  check_audience: bool = True) -> dict[UUID, list[Blocker]]:
    """Every check of an accept for each shift of a series taken as a whole: each shift is judged with the
    worker's other work and the series' other shifts, and the loan limit with the series' minutes of that
    month together. Only the shifts that cannot be taken are in the answer; empty when the whole series can."""
    out: dict[UUID, list[Blocker]] = {}
    for part in parts:
        others = [p for p in parts if p.shift_id != part.shift_id]
        month = month_of(part.offer.starts_at)
        loaned = loaned_by_month.get(month, 0) + sum(
            p.offer.paid_minutes for p in others
            if month_of(p.offer.starts_at) == month and p.offer.organisation_id != worker.home_organisation_id)
        blockers = assess(
            shift=part.offer, shift_status=part.status, places=part.places, places_filled=part.places_filled,
            worker=worker, person=part.person,
            existing=existing + [worktime.Interval(p.offer.starts_at, p.offer.ends_at, p.break_minutes) for p in others],
            break_minutes=part.break_minutes, loaned_minutes_that_month=loaned, now=now, catalogue=catalogue,
            rules=rules, check_audience=check_audience)
        if part.already_booked:
            blockers = ordered([Blocker(BlockerType.OVERLAP, Reason.ALREADY_BOOKED), *blockers])
        if blockers:
            out[part.shift_id] = blockers
    return out
