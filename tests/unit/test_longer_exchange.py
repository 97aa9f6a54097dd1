"""The pure rules of the longer exchange: series judged as a whole, secondment rosters, students."""
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from flexpool.domain import eligibility
from flexpool.domain import secondments as rules
from flexpool.domain.booking import SeriesPart, assess_series
from flexpool.domain.catalogue import DEFAULT
from flexpool.domain.clock import AMSTERDAM, minutes_between
from flexpool.domain.eligibility import Candidate, Offer
from flexpool.domain.model import Credential
from flexpool.domain.shifts import ShiftDraft, overlapping, required_break
from flexpool.domain.worktime import Interval, Person, Rules

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


def worker(**kw) -> Candidate:
    base = dict(home_organisation_id="home", function="verzorgende-ig", skills=frozenset(),
                credentials=(Credential("vog"),))
    return Candidate(**{**base, **kw})


def offer(**kw) -> Offer:
    start = datetime(2026, 12, 1, 7, tzinfo=AMSTERDAM)
    base = dict(organisation_id="borrower", function="verzorgende-ig", skills=frozenset(), starts_at=start,
                ends_at=start + timedelta(hours=8), paid_minutes=450, partners_at=NOW, region_at=NOW)
    return Offer(**{**base, **kw})


def part(start: datetime, hours: float = 8, brk: int = 30, **kw) -> SeriesPart:
    end = start + timedelta(hours=hours)
    return SeriesPart(shift_id=uuid4(), offer=offer(starts_at=start, ends_at=end,
                                                    paid_minutes=minutes_between(start, end) - brk),
                      status="open", places=1, places_filled=0, break_minutes=brk, person=Person(age=35), **kw)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=AMSTERDAM)


def test_a_series_is_judged_with_its_own_shifts():
    """Each shift alone is fine; together the late and the early shift leave 7 hours of rest."""
    late, early = part(at(2, 15)), part(at(3, 6))
    for alone in (late, early):
        assert assess_series(parts=[alone], worker=worker(), existing=[], loaned_by_month={}, now=NOW,
                             catalogue=DEFAULT, rules=Rules()) == {}
    both = assess_series(parts=[late, early], worker=worker(), existing=[], loaned_by_month={}, now=NOW,
                         catalogue=DEFAULT, rules=Rules())
    assert set(both) == {late.shift_id, early.shift_id}
    assert {b.type for blockers in both.values() for b in blockers} == {"rest-period"}


def test_the_loan_limit_counts_the_whole_series_in_its_month():
    shifts = [part(at(d, 7)) for d in (1, 2, 3)]  # 3 x 450 minutes
    judged = assess_series(parts=shifts, worker=worker(max_loan_minutes_per_month=1300), existing=[],
                           loaned_by_month={}, now=NOW, catalogue=DEFAULT, rules=Rules())
    assert len(judged) == 3 and all(b[0].type == "loan-limit" for b in judged.values())
    assert assess_series(parts=shifts, worker=worker(max_loan_minutes_per_month=1350), existing=[],
                         loaned_by_month={}, now=NOW, catalogue=DEFAULT, rules=Rules()) == {}


def test_the_workers_other_work_counts_against_the_series():
    shifts = [part(at(d, 7)) for d in (1, 2)]
    other = [Interval(at(2, 10), at(2, 14))]
    judged = assess_series(parts=shifts, worker=worker(), existing=other, loaned_by_month={}, now=NOW,
                           catalogue=DEFAULT, rules=Rules())
    assert list(judged) == [shifts[1].shift_id] and judged[shifts[1].shift_id][0].type == "overlap"


def _draft(start: datetime, hours: float) -> ShiftDraft:
    return ShiftDraft(site_id=uuid4(), function="helpende", skills=[], starts_at=start,
                      ends_at=start + timedelta(hours=hours), break_minutes=0, places=1, booking="instant",
                      description=None, urgent=False)


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 20)), min_size=1, max_size=8))
def test_overlapping_names_exactly_the_drafts_that_start_inside_an_earlier_one(spans):
    drafts = [_draft(at(1, 0) + timedelta(hours=s), h) for s, h in spans]
    named = set(overlapping(drafts))
    order = sorted(range(len(drafts)), key=lambda i: drafts[i].starts_at)
    for pos, i in enumerate(order):
        inside = any(drafts[j].starts_at <= drafts[i].starts_at < drafts[j].ends_at for j in order[:pos])
        assert (i in named) == inside


@given(st.integers(30, 24 * 60))
def test_a_block_without_a_break_gets_the_least_the_law_asks(length):
    start = at(7, 7)
    block = rules.with_break(start, start + timedelta(minutes=length), None)
    assert block.break_minutes >= required_break(length - block.break_minutes)
    assert all(b < required_break(length - b) for b in (0, 30, 45) if b < block.break_minutes)  # the least


def test_a_roster_keeps_to_the_agreed_minutes_a_week_and_the_secondment_days():
    blocks = [rules.with_break(at(d, 7), at(d, 15), 30) for d in (7, 8, 9)]  # 3 x 450
    first, last = blocks[0].starts_at.date(), at(31, 0).date()
    assert rules.validate_roster(blocks, at(1, 0), at(31, 0), first, last, 1350) == []
    over = rules.validate_roster(blocks, at(1, 0), at(31, 0), first, last, 1300)
    assert [e.field for e in over] == ["blocks"]
    early = rules.validate_roster(blocks, at(1, 0), at(31, 0), at(8, 0).date(), last, 1350)
    assert [e.field for e in early] == ["blocks[0].startsAt"]
    short_break = rules.validate_roster([rules.Interval(at(7, 7), at(7, 15), 0)], at(1, 0), at(31, 0), first,
                                        last, 1350)
    assert [e.field for e in short_break] == ["blocks[0].breakMinutes"]


def test_a_roster_is_judged_with_other_work_and_the_loan_limit():
    blocks = [rules.with_break(at(d, 7), at(d, 15), 30) for d in (7, 8)]
    ok = rules.judge_roster(blocks, [], lambda day: Person(age=30), Rules(), {}, None)
    assert ok == {}
    overlap = rules.judge_roster(blocks, [Interval(at(8, 14), at(8, 20))], lambda day: Person(age=30), Rules(), {}, None)
    assert list(overlap) == [1] and overlap[1][0].type == "overlap"
    limited = rules.judge_roster(blocks, [], lambda day: Person(age=30), Rules(), {at(7, 0).date().replace(day=1): 100},
                                 900)
    assert set(limited) == {0, 1} and all(b[0].type == "loan-limit" for b in limited.values())


def test_students_take_only_shifts_that_welcome_them_with_supervision_high_enough():
    student = worker(function="helpende", student_supervisor_function="verzorgende-ig")
    plain = offer(function="helpende")
    assert eligibility.never_reaches(student, plain)
    assert not eligibility.never_reaches(worker(), plain)
    welcome = offer(function="helpende", students_welcome=True, supervisor_function="verpleegkundige-mbo")
    assert not eligibility.never_reaches(student, welcome)
    assert eligibility.student_blockers(student, welcome, DEFAULT) == []
    low = offer(function="helpende", students_welcome=True, supervisor_function="helpende")
    [blocker] = eligibility.student_blockers(student, low, DEFAULT)
    assert blocker.type == "qualification" and blocker.reason == "student-supervision"
    other_track = offer(function="helpende", students_welcome=True, supervisor_function="begeleider-4")
    assert eligibility.student_blockers(student, other_track, DEFAULT)
