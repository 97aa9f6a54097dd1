"""Every check of an accept, in the contract's order: one pure function over plain values."""
from __future__ import annotations

from datetime import datetime

from flexpool.domain import eligibility, worktime
from flexpool.domain.catalogue import Catalogue
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
