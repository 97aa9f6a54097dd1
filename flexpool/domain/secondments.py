"""Secondments (detachering): a worker of one organisation works a longer stretch for another, with the
consent of all three. Pure rules for what the borrower may roster: each block a real stretch of work with
its legal break, inside the secondment's days and weekly minutes, and every working-time check and the
home employer's monthly loan limit over the worker's work at every organisation."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from uuid import UUID

import msgspec

from flexpool.domain import worktime
from flexpool.domain.clock import at_local, local, minutes_between, month_of, week_start
from flexpool.domain.model import Blocker, ordered
from flexpool.domain.shifts import FieldError, required_break
from flexpool.domain.vocabulary import BlockerType, Reason
from flexpool.domain.worktime import Interval


class SecondmentProposal(msgspec.Struct, frozen=True, kw_only=True):
    """The command the borrower's planner gives: whom to second, which days (both included), how many minutes
    a week, in which function and where."""

    worker_id: UUID
    starts_on: date
    ends_on: date
    minutes_per_week: int
    function: str
    site_id: UUID
    note: str | None = None


class SecondmentRoster(msgspec.Struct, frozen=True):
    """The borrower's roster of a secondment for [starts, ends): the secondment's blocks that start in it are
    replaced by these, each with its break (with_break gives the legal minimum when none is named)."""

    starts: datetime
    ends: datetime
    blocks: list[Interval]


def with_break(starts_at: datetime, ends_at: datetime, break_minutes: int | None) -> Interval:
    """A block as rostered; without a break given, the least the law asks for its length (ATW 5:4)."""
    if break_minutes is None:
        length = minutes_between(starts_at, ends_at)
        break_minutes = next((b for b in (0, 30, 45) if b >= required_break(length - b)), 45)
    return Interval(starts_at, ends_at, break_minutes)


def validate_roster(blocks: list[Interval], lo: datetime, hi: datetime, first_day: date, last_day: date,
                    minutes_per_week: int) -> list[FieldError]:
    """The shape of every roster (worktime.roster_problems), and a secondment's own: blocks on the
    secondment's days, with the break the law asks for, and at most the agreed minutes in any week."""
    errors = worktime.roster_problems(lo, hi, blocks)
    for i, b in enumerate(blocks):
        if b.ends_at <= b.starts_at:
            continue  # named above; a break makes no sense for it
        length = minutes_between(b.starts_at, b.ends_at)
        day = local(b.starts_at).date()
        if not first_day <= day <= last_day:
            errors.append(FieldError(f"blocks[{i}].startsAt",
                                     f"the secondment runs from {first_day.isoformat()} to {last_day.isoformat()}"))
        if b.break_minutes >= length:
            errors.append(FieldError(f"blocks[{i}].breakMinutes", "must be shorter than the block"))
        elif b.break_minutes < required_break(length - b.break_minutes):
            errors.append(FieldError(f"blocks[{i}].breakMinutes",
                                     f"{(length - b.break_minutes) / 60:.1f} hours of work need at least "
                                     f"{required_break(length - b.break_minutes)} minutes of break"))
    per_week: dict[date, int] = defaultdict(int)
    for b in blocks:
        per_week[week_start(b.starts_at)] += max(b.worked_minutes, 0)
    for monday, minutes in sorted(per_week.items()):
        if minutes > minutes_per_week:
            errors.append(FieldError("blocks", f"the week of {monday.isoformat()} holds {minutes} minutes; the "
                                               f"secondment agrees on at most {minutes_per_week} a week"))
    return errors


def judge_roster(blocks: list[Interval], existing: list[Interval],
                 person_on: Callable[[date], worktime.Person], rules: worktime.Rules,
                 loaned_by_month: dict[date, int], loan_limit: int | None) -> dict[int, list[Blocker]]:
    """Every working-time check of an accept for each block, judged with the worker's other work at every
    organisation and the roster's other blocks; and the home employer's monthly loan limit over bookings
    elsewhere and these blocks together. {block index: blockers}; empty when the roster may stand."""
    out: dict[int, list[Blocker]] = {}
    months: dict[date, int] = defaultdict(int)
    for b in blocks:
        months[month_of(b.starts_at)] += max(b.worked_minutes, 0)
    for i, b in enumerate(blocks):
        others = [x for j, x in enumerate(blocks) if j != i]
        found = worktime.check(b, existing + others, person_on(local(b.starts_at).date()), rules)
        month = month_of(b.starts_at)
        if loan_limit is not None and loaned_by_month.get(month, 0) + months[month] > loan_limit:
            found.append(Blocker(BlockerType.LOAN_LIMIT, Reason.LOAN_LIMIT))
        if found:
            out[i] = ordered(found)
    return out


def day_after(last_day: date) -> datetime:
    """The first instant after a secondment's last day (local midnight), where an early end cuts the roster."""
    return at_local(last_day + timedelta(days=1), time(0))
