"""The commands that carry a PATCH or a roster into the services: what they say changed, and the rules they
keep on their own (no database)."""
from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st
from msgspec import UNSET

from flexpool.domain.availability import Window
from flexpool.domain.directory import OrganisationChange
from flexpool.domain.preferences import PreferencesChange, QuietHours
from flexpool.domain.vocabulary import Cao, Language
from flexpool.domain.workers import HomeRoster
from flexpool.domain.worktime import Interval

MONDAY = datetime(2026, 12, 7, 0, tzinfo=UTC)


class Before:
    """An organisation as it is (the read model's attributes that a change compares with)."""

    kvk_number = "12345678"
    iban = None
    vat_number = None
    address = "Dorpsstraat 1"
    postcode = None
    city = "Utrecht"
    cao = Cao.VVT
    waadi_registered = True
    waadi_exempt = False
    worker_cancel_window_minutes = 2880
    late_cancel_window_minutes = 1440
    late_cancellation_percent = 50
    delegates_planning = False


def test_an_organisation_change_names_only_what_was_sent_and_differs():
    change = OrganisationChange(city="Utrecht", address=None, cao=Cao.GHZ, late_cancellation_percent=50)
    assert change.given() == {"address": None, "city": "Utrecht", "cao": Cao.GHZ, "late_cancellation_percent": 50}
    assert change.changed_from(Before()) == {"address": None, "cao": Cao.GHZ}
    assert OrganisationChange().given() == {}


def test_a_vat_number_is_compacted_before_it_is_checked():
    change = OrganisationChange(vat_number="NL 0012.34.567.B01").normalised()
    assert change.vat_number == "NL001234567B01"
    assert OrganisationChange(vat_number=None).normalised().vat_number is None
    assert [f for f, _ in OrganisationChange(iban="NL00BANK0123456789", kvk_number="1234").problems()] \
        == ["iban", "kvkNumber"]


def test_a_workers_own_opt_in_is_its_own_column_and_only_a_worker_has_it():
    change = PreferencesChange(language=Language.EN, opted_in=False, max_travel_km=None)
    assert change.worker_columns() == {"max_travel_km": None, "worker_opt_in": False}
    assert change.for_workers_only() == ["opted_in", "max_travel_km"]
    everyone = PreferencesChange(language=Language.NL, quiet_hours=QuietHours(time(22), time(7)))
    assert everyone.for_workers_only() == [] and everyone.worker_columns() == {}
    cleared = PreferencesChange(availability=None)
    assert cleared.for_workers_only() == ["availability"] and cleared.availability is None
    assert PreferencesChange(availability=[Window(0, 420, 480)]).availability != UNSET


def test_a_home_roster_refuses_what_cannot_be_a_block():
    roster = HomeRoster(MONDAY, MONDAY + timedelta(days=7), [
        Interval(MONDAY + timedelta(hours=7), MONDAY + timedelta(hours=15)),
        Interval(MONDAY + timedelta(hours=14), MONDAY + timedelta(hours=20)),  # overlaps the first
        Interval(MONDAY + timedelta(days=1, hours=9), MONDAY + timedelta(days=1, hours=8)),  # ends before it starts
        Interval(MONDAY + timedelta(days=2), MONDAY + timedelta(days=3, hours=1)),  # 25 hours
        Interval(MONDAY + timedelta(days=8), MONDAY + timedelta(days=8, hours=8)),  # after the window
    ])
    assert [e.field for e in roster.problems()] == [
        "blocks[2].endsAt", "blocks[3].endsAt", "blocks[4].startsAt", "blocks"]
    assert HomeRoster(MONDAY, MONDAY, []).problems()[0].field == "to"


@given(st.lists(st.tuples(st.integers(0, 6 * 24), st.integers(1, 24)), max_size=8))
def test_blocks_that_keep_apart_inside_the_window_are_a_roster(starts_and_hours):
    """Blocks laid end to end from each start (never overlapping, at most 24 h, inside the week) are valid."""
    blocks, at = [], MONDAY
    for gap, hours in starts_and_hours:
        start = at + timedelta(minutes=gap)
        if start + timedelta(hours=hours) > MONDAY + timedelta(days=7):
            break
        blocks.append(Interval(start, start + timedelta(hours=hours)))
        at = start + timedelta(hours=hours)
    assert HomeRoster(MONDAY, MONDAY + timedelta(days=7), blocks).problems() == []
