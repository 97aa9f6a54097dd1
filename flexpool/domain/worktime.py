"""Working-time law (Arbeidstijdenwet) over one person's work at all employers.

Pure functions: the caller passes every home roster block and booked assignment around the candidate
shift. Instants are absolute; days, weeks and nights are judged on the Amsterdam wall clock.

Choices where the law leaves room:
- blocks that touch (one ends when the next starts) form one duty; rest is the time between duties;
- the 7 × 24 h periods of the weekly-rest rule are the calendar weeks (Mon 00:00 local), as the ATW
  lets the employer fix the period; the 14 × 24 h alternative pairs a week with the one before or after;
- shifts are "in a row" when less than 24 h separates them.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise

import msgspec

from flexpool.domain.clock import at_local, local, minutes_between, utc, week_start
from flexpool.domain.model import Blocker
from flexpool.domain.shifts import FieldError, paid_minutes
from flexpool.domain.vocabulary import BlockerType, Reason


class Interval(msgspec.Struct, frozen=True):
    starts_at: datetime
    ends_at: datetime
    break_minutes: int = 0

    @property
    def worked_minutes(self) -> int:
        return max(paid_minutes(self.starts_at, self.ends_at, self.break_minutes), 0)


def roster_problems(starts: datetime, ends: datetime, blocks: list[Interval]) -> list[FieldError]:
    """The shape every roster keeps (a home roster, a secondment's): a window [from, to); each block ends after
    it starts, lasts at most 24 hours and starts inside the window; no two blocks overlap."""
    errors = [FieldError("to", "must be after from")] if ends <= starts else []
    for i, b in enumerate(blocks):
        if b.ends_at <= b.starts_at:
            errors.append(FieldError(f"blocks[{i}].endsAt", "must be after startsAt"))
        elif (b.ends_at - b.starts_at).total_seconds() > 24 * 3600:
            errors.append(FieldError(f"blocks[{i}].endsAt", "a roster block lasts at most 24 hours"))
        if not (starts <= b.starts_at < ends):
            errors.append(FieldError(f"blocks[{i}].startsAt", "must lie inside [from, to)"))
    ordered = sorted(blocks, key=lambda b: (b.starts_at, b.ends_at))
    for first, second in pairwise(ordered):
        if second.starts_at < first.ends_at:
            errors.append(FieldError("blocks", f"two blocks overlap at {second.starts_at.isoformat()}"))
    return errors


class Person(msgspec.Struct, frozen=True):
    age: int | None = None
    nights: bool = False

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < 18


class Rules(msgspec.Struct, frozen=True):
    """Defaults of DOMAIN.md in minutes; a region may override any of them."""

    max_shift: int = 12 * 60
    rest: int = 11 * 60
    short_rest: int = 8 * 60
    max_week: int = 60 * 60
    avg_4_weeks: int = 55 * 60
    avg_16_weeks: int = 48 * 60
    avg_16_weeks_nights: int = 40 * 60
    nights_for_lower_average: int = 16
    weekly_rest: int = 36 * 60
    biweekly_rest: int = 72 * 60
    biweekly_rest_part: int = 32 * 60
    night_work: int = 60
    night_max_shift: int = 10 * 60
    rest_after_late_night: int = 14 * 60
    rest_after_night_series: int = 46 * 60
    night_series: int = 3
    max_series_with_night: int = 7
    max_late_nights_16_weeks: int = 36
    minor_max_shift: int = 9 * 60
    minor_max_week: int = 45 * 60
    minor_rest: int = 12 * 60
    in_a_row_gap: int = 24 * 60


class Duty(msgspec.Struct, frozen=True):
    """One uninterrupted stretch of work: touching blocks merged."""

    starts_at: datetime
    ends_at: datetime
    worked: int
    candidate: bool


def _nights_of(d: Duty | Interval) -> tuple[tuple[date, int], ...]:
    """Local days whose 00:00–06:00 this work overlaps, with the minutes of overlap."""
    return _nights_between(d.starts_at, d.ends_at)


@lru_cache(maxsize=8192)
def _nights_between(starts_at: datetime, ends_at: datetime) -> tuple[tuple[date, int], ...]:
    """Cached: one accept asks this of the same duties dozens of times (every rule about nights), and the
    answer depends on the two instants alone."""
    out = []
    day = local(starts_at).date() - timedelta(days=1)
    last = local(ends_at).date()
    while day <= last:
        lo, hi = at_local(day, time(0)), at_local(day, time(6))
        overlap = minutes_between(max(lo, starts_at), min(hi, ends_at))
        if overlap > 0:
            out.append((day, overlap))
        day += timedelta(days=1)
    return tuple(out)


def is_night(d: Duty | Interval, rules: Rules) -> bool:
    """A night shift has more than 1 h of work between 00:00 and 06:00."""
    return any(m > rules.night_work for _, m in _nights_of(d))


def ends_late_night(d: Duty | Interval, rules: Rules) -> bool:
    """A night shift that ends after 02:00 (these need 14 h rest and are capped per 16 weeks)."""
    return is_night(d, rules) and any(d.ends_at > at_local(day, time(2)) for day, _ in _nights_of(d))


def touches_minor_night(d: Interval) -> bool:
    """Minors may not work between 23:00 and 06:00."""
    day = local(d.starts_at).date() - timedelta(days=1)
    while day <= local(d.ends_at).date():
        lo, hi = at_local(day, time(23)), at_local(day + timedelta(days=1), time(6))
        if d.starts_at < hi and lo < d.ends_at:
            return True
        day += timedelta(days=1)
    return False


def duties(blocks: list[Interval], candidate: Interval | None) -> list[Duty]:
    items = sorted([(b, False) for b in blocks] + ([(candidate, True)] if candidate else []),
                   key=lambda x: x[0].starts_at)
    merged: list[Duty] = []
    for block, is_candidate in items:
        if merged and block.starts_at <= merged[-1].ends_at:
            last = merged[-1]
            merged[-1] = Duty(last.starts_at, max(last.ends_at, block.ends_at),
                              last.worked + block.worked_minutes, last.candidate or is_candidate)
        else:
            merged.append(Duty(block.starts_at, block.ends_at, block.worked_minutes, is_candidate))
    return merged


def _gap(a: Duty, b: Duty) -> int:
    return minutes_between(a.ends_at, b.starts_at)


def _night_tail(run: list[Duty], rules: Rules) -> int:
    """How many nights the run ends with."""
    count = 0
    for x in reversed(run):
        if not is_night(x, rules):
            break
        count += 1
    return count


# A broken rule between consecutive duties, keyed by its kind (and reason) and the instants that witness it,
# so the same violation found twice counts once.
Violation = tuple[str | datetime, ...]


def _pair_violations(ds: list[Duty], person: Person, rules: Rules) -> set[Violation]:
    """Rules about consecutive duties; each violation keyed by the instants that witness it."""
    found: set[Violation] = set()
    short_rests: list[datetime] = []
    for a, b in pairwise(ds):
        gap = _gap(a, b)
        if person.minor:
            if gap < rules.minor_rest:
                found.add(("rest-period", a.ends_at, b.starts_at))
        elif gap < rules.short_rest:
            found.add(("rest-period", a.ends_at, b.starts_at))
        elif gap < rules.rest:
            short_rests.append(a.ends_at)
        if ends_late_night(a, rules) and gap < rules.rest_after_late_night:
            found.add(("night-shift-rules", "rest-after-night", a.ends_at, b.starts_at))
    # The 8 h exception may be used once in any 7 × 24 h.
    for i, first in enumerate(short_rests):
        for second in short_rests[i + 1:]:
            if second - first < timedelta(days=7):
                found.add(("rest-period", "short-rest", first, second))
    # Series: shifts in a row (less than 24 h between them). After a series of 3 or more nights comes 46 h of
    # rest: whatever follows sooner breaks it, a day shift in a row (23 h later) as much as one after a pause.
    run: list[Duty] = []
    for d in ds + [None]:
        if d is not None and run and _gap(run[-1], d) < rules.in_a_row_gap:
            if not is_night(d, rules) and _night_tail(run, rules) >= rules.night_series:
                found.add(("night-shift-rules", "series-rest", run[-1].ends_at, d.starts_at))
            run.append(d)
            continue
        if run:
            night_tail = _night_tail(run, rules)
            if night_tail >= rules.night_series and d is not None and _gap(run[-1], d) < rules.rest_after_night_series:
                found.add(("night-shift-rules", "series-rest", run[-1].ends_at, d.starts_at))
            if len(run) > rules.max_series_with_night and any(is_night(x, rules) for x in run):
                found.add(("night-shift-rules", "series-length", run[0].starts_at, run[-1].ends_at))
        run = [d] if d is not None else []
    return found


def _week_minutes(ds: list[Duty]) -> dict[date, int]:
    """Worked minutes per calendar week, a duty across Sunday midnight split by absolute time."""
    weeks: dict[date, int] = defaultdict(int)
    for d in ds:
        total = minutes_between(d.starts_at, d.ends_at)
        cursor = d.starts_at
        while cursor < d.ends_at:
            monday = week_start(cursor)
            boundary = min(at_local(monday + timedelta(days=7), time(0)), d.ends_at)
            part = minutes_between(cursor, boundary)
            weeks[monday] += round(d.worked * part / total) if total else 0
            cursor = boundary
    return weeks


def _rests_in(ds: list[Duty], lo: datetime, hi: datetime) -> list[int]:
    """Rest periods inside [lo, hi), clipped to it: everything not covered by a duty."""
    rests, cursor = [], lo
    for d in ds:
        if d.ends_at <= lo or d.starts_at >= hi:
            continue
        if d.starts_at > cursor:
            rests.append(minutes_between(cursor, d.starts_at))
        cursor = max(cursor, d.ends_at)
    if cursor < hi:
        rests.append(minutes_between(cursor, hi))
    return rests


def _week_bounds(monday: date, weeks: int = 1) -> tuple[datetime, datetime]:
    return at_local(monday, time(0)), at_local(monday + timedelta(days=7 * weeks), time(0))


def _weekly_rest_ok(ds: list[Duty], monday: date, rules: Rules) -> bool:
    lo, hi = _week_bounds(monday)
    if max(_rests_in(ds, lo, hi), default=0) >= rules.weekly_rest:
        return True
    # The 14 × 24 h alternative over fixed fortnights: an odd ISO week with the next, an even one with the previous.
    first = monday if monday.isocalendar().week % 2 else monday - timedelta(days=7)
    lo, hi = _week_bounds(first, 2)
    parts = [r for r in _rests_in(ds, lo, hi) if r >= rules.biweekly_rest_part]
    return sum(parts) >= rules.biweekly_rest


def _absolute(i: Interval) -> Interval:
    return Interval(utc(i.starts_at), utc(i.ends_at), i.break_minutes)


def check(candidate: Interval, existing: list[Interval], person: Person, rules: Rules = Rules()) -> list[Blocker]:
    """Blockers that booking `candidate` would cause, on top of what `existing` already is."""
    candidate = _absolute(candidate)
    existing = [_absolute(e) for e in existing]
    blockers: list[Blocker] = []
    if any(e.starts_at < candidate.ends_at and candidate.starts_at < e.ends_at for e in existing):
        blockers.append(Blocker(BlockerType.OVERLAP, Reason.OVERLAP))
        existing = [e for e in existing if not (e.starts_at < candidate.ends_at and candidate.starts_at < e.ends_at)]

    with_c = duties(existing, candidate)
    without = duties(existing, None)
    new_pairs = _pair_violations(with_c, person, rules) - _pair_violations(without, person, rules)
    kinds = {v[0] for v in new_pairs}
    if "rest-period" in kinds:
        if person.minor:
            blockers.append(Blocker(BlockerType.REST_PERIOD, Reason.REST_MINOR, {"hours": rules.minor_rest // 60}))
        elif any(v[1] == "short-rest" for v in new_pairs if v[0] == "rest-period"):
            blockers.append(Blocker(BlockerType.REST_PERIOD, Reason.REST_SHORT_USED, {"short": rules.short_rest // 60,
                                                                     "hours": rules.rest // 60}))
        else:
            blockers.append(Blocker(BlockerType.REST_PERIOD, Reason.REST, {"hours": rules.rest // 60}))

    duty = next(d for d in with_c if d.candidate)
    limit = rules.minor_max_shift if person.minor else rules.max_shift
    if duty.worked > limit:
        reason = Reason.TOO_LONG_TOGETHER if duty.worked > candidate.worked_minutes else Reason.TOO_LONG
        blockers.append(Blocker(BlockerType.SHIFT_TOO_LONG, reason, {"hours": limit // 60}))

    week_blockers = _week_checks(candidate, with_c, person, rules)
    if week_blockers:
        blockers.append(Blocker(BlockerType.WEEK_HOURS, *week_blockers[0]))

    night = _night_checks(candidate, duty, with_c, new_pairs, person, rules)
    if night:
        blockers.append(Blocker(BlockerType.NIGHT_SHIFT_RULES, *night[0]))
    return blockers


Finding = tuple[Reason, dict[str, str | int]]  # a reason and the numbers its words need (flexpool.domain.wording)


def _week_checks(candidate: Interval, ds: list[Duty], person: Person, rules: Rules) -> list[Finding]:
    out: list[Finding] = []
    weeks = _week_minutes(ds)
    touched = sorted({week_start(candidate.starts_at), week_start(candidate.ends_at - timedelta(seconds=1))})
    limit = rules.minor_max_week if person.minor else rules.max_week
    for monday in touched:
        if weeks.get(monday, 0) > limit:
            out.append((Reason.WEEK_MAXIMUM, {"hours": limit // 60, "week": f"{monday:%d-%m}"}))
    if not person.minor:
        nights_by_week: dict[date, int] = defaultdict(int)
        for d in ds:
            if is_night(d, rules):
                nights_by_week[week_start(d.starts_at)] += 1
        for monday in touched:
            for span, cap in ((4, rules.avg_4_weeks), (16, rules.avg_16_weeks)):
                totals = _window_sums(weeks, monday, span)
                nights = _window_sums(nights_by_week, monday, span)
                for offset in range(span):
                    average_cap = cap
                    if span == 16 and nights[offset] >= rules.nights_for_lower_average:
                        average_cap = rules.avg_16_weeks_nights
                    if totals[offset] > average_cap * span:
                        out.append((Reason.WEEK_AVERAGE, {"hours": average_cap // 60, "weeks": span}))
                        break
    for monday in touched:
        if not _weekly_rest_ok(ds, monday, rules):
            out.append((Reason.WEEKLY_REST, {"week": f"{monday:%d-%m}", "hours": rules.weekly_rest // 60}))
    return out


def _window_sums(per_week: dict[date, int], monday: date, span: int) -> list[int]:
    """The sums of the `span`-week windows that contain `monday`: entry k is the window starting k weeks
    before it. Prefix sums over the 2·span−1 weeks involved, so a 16-week rule costs 31 lookups, not 256."""
    series = [per_week.get(monday + timedelta(days=7 * k), 0) for k in range(1 - span, span)]
    prefix = [0]
    for value in series:
        prefix.append(prefix[-1] + value)
    return [prefix[2 * span - 1 - k] - prefix[span - 1 - k] for k in range(span)]


def _night_checks(candidate: Interval, duty: Duty, ds: list[Duty], new_pairs: set[Violation], person: Person,
                  rules: Rules) -> list[Finding]:
    out: list[Finding] = []
    night = is_night(candidate, rules)
    if person.minor and touches_minor_night(candidate):
        out.append((Reason.MINOR_NIGHT, {}))
    if night and person.age is not None and person.age >= 55 and not person.nights:
        out.append((Reason.NIGHTS_FROM_55, {}))
    if night and duty.worked > rules.night_max_shift:
        out.append((Reason.NIGHT_TOO_LONG, {"hours": rules.night_max_shift // 60}))
    reasons = {v[1] for v in new_pairs if v[0] == "night-shift-rules"}
    if "rest-after-night" in reasons:
        out.append((Reason.REST_AFTER_NIGHT, {"hours": rules.rest_after_late_night // 60}))
    if "series-rest" in reasons:
        out.append((Reason.REST_AFTER_NIGHT_SERIES, {"hours": rules.rest_after_night_series // 60,
                                                 "nights": rules.night_series}))
    if "series-length" in reasons:
        out.append((Reason.SERIES_LENGTH, {"count": rules.max_series_with_night}))
    if ends_late_night(candidate, rules):
        monday = week_start(candidate.starts_at)
        late: defaultdict[date, int] = defaultdict(int)
        for d in ds:
            if ends_late_night(d, rules):
                late[week_start(d.starts_at)] += 1
        if any(total > rules.max_late_nights_16_weeks for total in _window_sums(late, monday, 16)):
            out.append((Reason.LATE_NIGHTS, {"count": rules.max_late_nights_16_weeks}))
    return out
