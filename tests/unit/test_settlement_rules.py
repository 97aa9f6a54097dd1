"""Settlement arithmetic: ORT band edges, holidays, DST nights, rounding, statements, positions, transfers."""
from datetime import date, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from flexpool.domain import settlement as money
from flexpool.domain.clock import AMSTERDAM, minutes_between, wall_minutes
from flexpool.domain.settlement import Vat
from flexpool.domain.statements import Line, Party, build
from flexpool.domain.tariffs import OrtMinutes, deduct_break_minutes, ort_minutes


def t(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMSTERDAM)


def bands(start, end, cao="vvt"):
    return {(o.percent, o.label): o.minutes for o in ort_minutes(start, end, cao)}


# --- ORT band edges (CAO VVT / Gehandicaptenzorg) -----------------------------------------------------------

def test_weekday_edges():
    tue = (2026, 11, 24)
    assert bands(t(*tue, 7), t(*tue, 20)) == {}                           # 07:00–20:00 no allowance
    assert bands(t(*tue, 6), t(*tue, 7)) == {(22, "ma-vr 06-07"): 60}
    assert bands(t(*tue, 5, 59), t(*tue, 6, 1)) == {(44, "ma-vr 22-06"): 1, (22, "ma-vr 06-07"): 1}
    assert bands(t(*tue, 19, 59), t(*tue, 20, 1)) == {(22, "ma-vr 20-22"): 1}
    assert bands(t(*tue, 21, 59), t(*tue, 22, 1)) == {(22, "ma-vr 20-22"): 1, (44, "ma-vr 22-06"): 1}


def test_saturday_edges():
    sat = (2026, 11, 28)
    assert bands(t(*sat, 5, 59), t(*sat, 6, 1)) == {(49, "za 00-06 en 22-24"): 1, (38, "za 06-08 en 12-22"): 1}
    assert bands(t(*sat, 7, 59), t(*sat, 8, 1)) == {(38, "za 06-08 en 12-22"): 1}
    assert bands(t(*sat, 8), t(*sat, 12)) == {}
    assert bands(t(*sat, 11, 59), t(*sat, 12, 1)) == {(38, "za 06-08 en 12-22"): 1}
    assert bands(t(*sat, 21, 59), t(*sat, 22, 1)) == {(38, "za 06-08 en 12-22"): 1, (49, "za 00-06 en 22-24"): 1}


def test_across_midnight_into_sunday():
    assert bands(t(2026, 11, 28, 22), t(2026, 11, 29, 6)) == {(49, "za 00-06 en 22-24"): 120,
                                                              (60, "zon- en feestdagen"): 360}
    # ... and out of Sunday into Monday night.
    assert bands(t(2026, 11, 29, 23), t(2026, 11, 30, 7)) == {(60, "zon- en feestdagen"): 60,
                                                              (44, "ma-vr 22-06"): 360, (22, "ma-vr 06-07"): 60}


def test_public_holidays_and_december_evenings():
    assert bands(t(2026, 12, 25, 7), t(2026, 12, 25, 15)) == {(60, "zon- en feestdagen"): 480}   # Christmas, a Friday
    assert bands(t(2026, 4, 27, 9), t(2026, 4, 27, 17)) == {(60, "zon- en feestdagen"): 480}     # King's Day 2026
    assert bands(t(2026, 12, 24, 15), t(2026, 12, 24, 23)) == {(60, "24 en 31 dec vanaf 18:00"): 300}
    assert bands(t(2026, 12, 31, 17, 59), t(2026, 12, 31, 18, 1)) == {(60, "24 en 31 dec vanaf 18:00"): 1}


def test_dst_nights_in_absolute_minutes():
    october = bands(t(2026, 10, 24, 23), t(2026, 10, 25, 7))  # Saturday night into the last Sunday of October
    assert october == {(49, "za 00-06 en 22-24"): 60, (60, "zon- en feestdagen"): 480}
    assert sum(october.values()) == 9 * 60
    march = bands(t(2026, 3, 28, 23), t(2026, 3, 29, 7))
    assert march == {(49, "za 00-06 en 22-24"): 60, (60, "zon- en feestdagen"): 360}
    assert sum(march.values()) == 7 * 60


def test_dst_nights_on_the_clock_face():
    """A region that settles clock-face hours: both change nights last 8 h, like any other."""
    clock = lambda a, b: {(o.percent, o.label): o.minutes for o in ort_minutes(a, b, "vvt", clock_face=True)}  # noqa
    assert clock(t(2026, 10, 24, 23), t(2026, 10, 25, 7)) == {(49, "za 00-06 en 22-24"): 60,
                                                               (60, "zon- en feestdagen"): 420}
    assert clock(t(2026, 3, 28, 23), t(2026, 3, 29, 7)) == {(49, "za 00-06 en 22-24"): 60,
                                                             (60, "zon- en feestdagen"): 420}
    assert wall_minutes(t(2026, 10, 24, 23), t(2026, 10, 25, 7)) == 480 == \
        wall_minutes(t(2026, 3, 28, 23), t(2026, 3, 29, 7))


@settings(max_examples=200)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)), st.integers(1, 24 * 60),
       st.sampled_from(["vvt", "sociaal-werk"]), st.booleans())
def test_ort_minutes_never_exceed_the_shift(start, minutes, cao, clock_face):
    start = start.replace(second=0, microsecond=0, tzinfo=AMSTERDAM)
    end = start + timedelta(minutes=minutes)
    length = wall_minutes(start, end) if clock_face else minutes_between(start, end)
    parts = ort_minutes(start, end, cao, clock_face=clock_face)
    assert all(o.minutes > 0 for o in parts) and sum(o.minutes for o in parts) <= length
    if cao == "sociaal-werk" and start.weekday() == 6 and end.date() == start.date():
        assert sum(o.minutes for o in parts) == length  # a Sunday is allowance from start to end


def test_sociaal_werk_table():
    thu, fri, sat = (2026, 11, 26), (2026, 11, 27), (2026, 11, 28)
    assert bands(t(*thu, 18, 59), t(*thu, 19, 1), "sociaal-werk") == {(20, "ma-do na 19:00"): 1}
    assert bands(t(*fri, 19), t(*fri, 20), "sociaal-werk") == {(25, "vrijdagavond"): 60}
    assert bands(t(*thu, 6, 59), t(*thu, 7, 1), "sociaal-werk") == {(25, "voor 07:00"): 1}
    assert bands(t(*sat, 10), t(*sat, 11), "sociaal-werk") == {(25, "zaterdag"): 60}
    assert bands(t(2026, 11, 29, 10), t(2026, 11, 29, 11), "sociaal-werk") == {(45, "zon- en feestdagen"): 60}


def test_break_comes_off_unsurcharged_minutes_first():
    ort = [OrtMinutes(22, "a", 60), OrtMinutes(44, "b", 60)]
    assert deduct_break_minutes(300, ort, 30) == sorted(ort, key=lambda o: -o.percent)  # 180 plain minutes absorb it
    assert deduct_break_minutes(120, ort, 30) == [OrtMinutes(44, "b", 60), OrtMinutes(22, "a", 30)]


# --- amounts ----------------------------------------------------------------------------------------------------

def test_round_half_up():
    assert money.round_half_up(Fraction(5, 2)) == 3 and money.round_half_up(Fraction(-5, 2)) == -3
    assert money.round_half_up(Fraction(249, 100)) == 2 and money.round_half_up(Fraction(7, 3)) == 2


def test_dst_night_line_by_hand():
    """verzorgende-ig at € 34,50 an hour, Sat 23:00 – Sun 07:00 across the October change, 30 min break."""
    ort = deduct_break_minutes(540, ort_minutes(t(2026, 10, 24, 23), t(2026, 10, 25, 7), "vvt"), 30)
    line = money.work_line(3450, 510, ort)
    # base 3450 × 510/60 = 29325; ORT 3450 × 480/60 × 60% = 16560 and 3450 × 30/60 × 49% = 845.25
    assert line.amount_cents == 46730
    assert line.base_cents + sum(p.amount_cents for p in line.ort) == line.amount_cents
    assert money.late_cancellation_line(3450, 450) == 12938  # 3450 × 7.5 h × 50% = 12937.5 → half up


def test_vat_once_per_statement():
    assert money.vat_cents(10001, Vat("S", 21)) == 2100  # 2100.21
    assert money.vat_cents(10002, Vat("S", 21)) == 2100 and money.vat_cents(10, Vat("S", 21)) == 2  # 2.1
    assert money.vat_cents(12345, Vat("E", 0, "structurele uitlening tegen kostprijs")) == 0


ort_parts = st.lists(st.tuples(st.sampled_from([22, 38, 44, 49, 60]), st.integers(0, 600)), max_size=4)


@settings(max_examples=200)
@given(st.integers(0, 10_000), st.integers(0, 24 * 60), ort_parts)
def test_line_parts_always_add_up_to_the_amount(tariff, minutes, parts):
    ort = [OrtMinutes(p, f"band {i}", m) for i, (p, m) in enumerate(parts)]
    line = money.work_line(tariff, minutes, ort)
    exact = Fraction(tariff * minutes, 60) + sum((Fraction(tariff * o.minutes * o.percent, 6000) for o in ort),
                                                 Fraction(0))
    assert line.amount_cents == money.round_half_up(exact)
    assert line.base_cents + sum(p.amount_cents for p in line.ort) == line.amount_cents
    assert all(abs(p.amount_cents - Fraction(tariff * p.minutes * p.percent, 6000)) < 1 for p in line.ort)


def _line(i, amount, minutes=60):
    return Line(id=f"l{i}", kind="work", work_date=date(2026, 10, 1), worker_name="W", site_name="S",
                function="helpende", planned_minutes=minutes, worked_minutes=minutes, tariff_cents=3000,
                base_cents=amount, ort=(), amount_cents=amount)


@settings(max_examples=200)
@given(st.lists(st.integers(-50_000, 500_000), min_size=1, max_size=30), st.sampled_from([0, 9, 21]))
def test_statement_totals_are_sums_of_lines(amounts, percent):
    vat = Vat("S", percent) if percent else Vat("E", 0, "vrijgesteld: structurele uitlening tegen kostprijs")
    stt = build("r", date(2026, 10, 1), Party("a", "A"), Party("b", "B"), vat, "w",
                [_line(i, a) for i, a in enumerate(amounts)])
    assert stt.totals.amount_cents == sum(x.amount_cents for x in stt.lines) == sum(amounts)
    assert stt.totals.total_cents == stt.totals.amount_cents + stt.totals.vat_cents
    assert stt.totals.vat_cents == money.round_half_up(Fraction(sum(amounts) * percent, 100))
    assert [x.position for x in stt.lines] == list(range(1, len(amounts) + 1))


orgs = [f"org{i}" for i in range(8)]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(orgs), st.sampled_from(orgs), st.integers(0, 10_000_000)), max_size=40))
def test_nets_sum_to_zero_and_transfers_settle_everything(statements):
    statements = [s for s in statements if s[0] != s[1]]
    positions = money.positions(statements, orgs)
    nets = {p.organisation_id: p.net_cents for p in positions}
    assert sum(nets.values()) == 0
    transfers = money.transfers(nets)
    assert len(transfers) <= max(len([n for n in nets.values() if n]) - 1, 0)
    assert all(x.amount_cents > 0 for x in transfers)
    settled = dict(nets)
    for x in transfers:
        settled[x.from_organisation_id] += x.amount_cents
        settled[x.to_organisation_id] -= x.amount_cents
    assert all(v == 0 for v in settled.values())


@settings(max_examples=200)
@given(st.lists(st.integers(0, 200_000), min_size=1, max_size=6))
def test_closing_then_correcting_keeps_the_books(amount_history):
    """An assignment's amount changes after its month closed, again and again: each open month carries the
    difference to what was frozen so far, so the books over all months always add up to the amount now."""
    import uuid

    import msgspec

    from flexpool.db.settlement import FrozenWorkLine
    from flexpool.services.settlement import correction_for

    original = uuid.uuid4()
    frozen = FrozenWorkLine(id=original, assignment_id=uuid.uuid4(), amount_cents=amount_history[0], worked_minutes=60,
                            tariff_cents=3000, month=date(2026, 9, 1), lender_id=uuid.uuid4(), borrower_id=uuid.uuid4(),
                            corrected_cents=0, corrected_minutes=0)
    books = amount_history[0]
    for month, amount in enumerate(amount_history[1:], start=10):
        now_line = _line(0, amount)
        fix = correction_for(frozen, now_line, date(2026, month % 12 + 1, 1))
        if fix is not None:
            assert fix.corrects_line_id == str(original)
            books += fix.amount_cents
            frozen = msgspec.structs.replace(frozen, corrected_cents=frozen.corrected_cents + fix.amount_cents,
                                             corrected_minutes=frozen.corrected_minutes + fix.worked_minutes)
        assert books == amount
