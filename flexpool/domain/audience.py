"""What a wave may rule out before anyone is notified: the checks of an accept that fail for certain.

A wave reaches thousands of workers at once, so it cannot run the whole working-time judgement per worker.
It applies everything that is decided by the shift and a few columns of the worker: the function ladder,
skills and their credentials, BIG, VOG, exclusions, distance, age rules, the loan limit, and work that
overlaps or leaves less than the shortest rest the law ever allows; and the worker's own wishes (availability
windows, a weekly cap of extra minutes), so nobody hears of shifts they said they do not want. Only definite
failures are ruled out here, so nobody who could accept is left out; the candidates that remain then get the
full working-time judgement of an accept (the 11-hour rest and its weekly exception, weekly hours, night
series) before anyone is notified.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date, datetime, timedelta
from typing import TypeVar

import msgspec

from flexpool.domain.catalogue import Catalogue
from flexpool.domain.clock import local, month_of, wall_minutes, week_start
from flexpool.domain.shifts import paid_minutes
from flexpool.domain.worktime import Interval, Person, Rules, check, is_night, touches_minor_night

K = TypeVar("K", bound=Hashable)  # how the caller knows a worker


class AudienceTerms(msgspec.Struct, frozen=True):
    functions: list[str]          # worker functions that may take the shift (the ladder)
    needs_big: bool
    credential_kinds: list[str]   # kinds the shift's skills need, each valid until the last day
    first_day: date               # local date of the start (BIG, ages)
    last_day: date                # local date of the end (credentials, VOG)
    rest_window: timedelta        # work this close before or after (but not touching) fails for certain
    paid_minutes: int
    month: date                   # the calendar month the loan counts in
    night: bool                   # refuses workers of 55 and over who did not choose nights
    refuses_minors: bool          # under 18: no work 23:00–06:00, shorter shifts
    born_by_55: date              # born on or before this day: 55 or older on the first day
    born_by_18: date              # born on or before this day: 18 or older on the first day
    weekday: int                  # the worker's own wishes (flexpool.domain.availability): local weekday,
    start_minute: int             # minute of the day and clock-face length of the shift,
    clock_minutes: int
    week: date                    # and the Monday of the week its extra minutes count in


def born_by(day: date, years: int) -> date:
    """The latest birthday that makes someone at least `years` old on `day` (29 February counted as
    clock.age_on counts it)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return date(day.year - years, 2, 28)


def terms(*, function: str, skills: list[str], starts_at: datetime, ends_at: datetime, break_minutes: int, catalogue: Catalogue,
          rules: Rules) -> AudienceTerms:
    wanted = catalogue.function(function)
    kinds = sorted({s.credential_kind for code in skills if (s := catalogue.skills.get(code)) and s.credential_kind})
    shift = Interval(starts_at, ends_at, break_minutes)
    paid = paid_minutes(starts_at, ends_at, break_minutes)
    start = local(starts_at)
    return AudienceTerms(
        functions=[f for f in catalogue.functions if catalogue.may_take(f, function)],
        needs_big=bool(wanted and wanted.needs_big), credential_kinds=kinds,
        first_day=start.date(), last_day=local(ends_at).date(),
        rest_window=timedelta(minutes=min(rules.short_rest, rules.rest)), paid_minutes=paid,
        month=month_of(starts_at), night=is_night(shift, rules),
        refuses_minors=touches_minor_night(shift) or paid > rules.minor_max_shift,
        born_by_55=born_by(start.date(), 55), born_by_18=born_by(start.date(), 18),
        weekday=start.weekday(), start_minute=start.hour * 60 + start.minute,
        clock_minutes=wall_minutes(starts_at, ends_at), week=week_start(starts_at))


def who_may_work(shift: Interval, workers: Iterable[tuple[K, Person, list[Interval]]], rules: Rules) -> list[K]:
    """The keys of the workers whom the full working-time judgement lets take `shift`, given
    (key, Person, their work around it) each: the same `worktime.check` an accept runs, so a wave notifies
    nobody who would then read "cannot accept". Workers with no work around the shift differ only in age and
    choice of nights, so their judgement is made once per kind of person."""
    alone: dict[Person, bool] = {}
    out: list[K] = []
    for key, person, existing in workers:
        if not existing:
            if person not in alone:
                alone[person] = not check(shift, [], person, rules)
            if alone[person]:
                out.append(key)
        elif not check(shift, existing, person, rules):
            out.append(key)
    return out
