"""Function ladder, BIG, skills and credentials, loan limit, exclusions, audience, waves."""
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from flexpool.domain import eligibility, waves
from flexpool.domain.booking import assess
from flexpool.domain.catalogue import DEFAULT
from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.eligibility import Candidate, Offer
from flexpool.domain.model import BLOCKER_ORDER, Credential
from flexpool.domain.worktime import Person, Rules

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
START = datetime(2026, 12, 1, 7, tzinfo=AMSTERDAM)


def worker(**kw):
    base = dict(home_organisation_id="home", function="verzorgende-ig", skills=frozenset({"medicatie"}),
                credentials=(Credential("vog"), Credential("medicatie", valid_until=date(2027, 1, 1))))
    return Candidate(**{**base, **kw})


def offer(**kw):
    base = dict(organisation_id="borrower", function="verzorgende-ig", skills=frozenset(), starts_at=START,
                ends_at=START + timedelta(hours=8), paid_minutes=450, partners_at=NOW, region_at=NOW)
    return Offer(**{**base, **kw})


def test_function_ladder():
    assert DEFAULT.may_take("verpleegkundige-mbo", "verzorgende-ig")
    assert not DEFAULT.may_take("verzorgende-ig", "verpleegkundige-mbo")
    assert not DEFAULT.may_take("begeleider-4", "verzorgende-ig")  # other track
    assert eligibility.qualification_blockers(worker(), offer(function="helpende"), DEFAULT) == []
    assert eligibility.qualification_blockers(worker(), offer(function="verpleegkundige-mbo"), DEFAULT)[0].type == \
        "qualification"


def test_big_valid_on_the_day():
    nurse = dict(function="verpleegkundige-hbo")
    day = START.date()
    ok = worker(**nurse, credentials=(Credential("big", "12345678901", day),))
    assert eligibility.qualification_blockers(ok, offer(function="verpleegkundige-mbo"), DEFAULT) == []
    expired = worker(**nurse, credentials=(Credential("big", "12345678901", day - timedelta(days=1)),))
    assert eligibility.qualification_blockers(expired, offer(function="verpleegkundige-mbo"), DEFAULT)
    short = worker(**nurse, credentials=(Credential("big", "1234567890", None),))
    assert eligibility.qualification_blockers(short, offer(function="verpleegkundige-mbo"), DEFAULT)
    # A nurse on a verzorgende shift needs no BIG.
    assert eligibility.qualification_blockers(worker(**nurse, credentials=()), offer(), DEFAULT) == []


def test_credentials_valid_until_the_shift_ends():
    night = offer(skills=frozenset({"medicatie"}), starts_at=datetime(2026, 12, 31, 23, tzinfo=AMSTERDAM),
                  ends_at=datetime(2027, 1, 1, 7, tzinfo=AMSTERDAM))
    assert eligibility.credential_blockers(worker(), night, DEFAULT) == []
    night2 = offer(skills=frozenset({"medicatie"}), starts_at=datetime(2027, 1, 1, 23, tzinfo=AMSTERDAM),
                   ends_at=datetime(2027, 1, 2, 7, tzinfo=AMSTERDAM))
    assert [b.type for b in eligibility.credential_blockers(worker(), night2, DEFAULT)] == ["credential"]
    # wondzorg needs no certificate; a VOG is always needed.
    w = worker(skills=frozenset({"wondzorg"}), credentials=(Credential("vog"),))
    assert eligibility.credential_blockers(w, offer(skills=frozenset({"wondzorg"})), DEFAULT) == []
    assert eligibility.credential_blockers(worker(credentials=()), offer(), DEFAULT)[0].detail.startswith("A certificate")


def test_loan_limit_per_month():
    w = worker(max_loan_minutes_per_month=900)
    assert eligibility.loan_blockers(w, offer(), 450) == []
    assert eligibility.loan_blockers(w, offer(), 451)[0].type == "loan-limit"
    assert eligibility.loan_blockers(worker(max_loan_minutes_per_month=0), offer(organisation_id="home"), 0) == []


def test_exclusions_and_audience():
    assert eligibility.exclusion_blockers(worker(excluded_organisation_ids=frozenset({"borrower"})), offer())
    assert eligibility.exclusion_blockers(worker(blocked_by=frozenset({"borrower"})), offer())
    later = offer(partners_at=NOW + timedelta(hours=1), region_at=NOW + timedelta(hours=2),
                  partner_organisation_ids=frozenset({"home"}))
    assert eligibility.audience_blockers(worker(), later, NOW)
    assert eligibility.audience_blockers(worker(), later, NOW + timedelta(hours=1)) == []
    assert eligibility.audience_blockers(worker(home_organisation_id="x"), later, NOW + timedelta(hours=1))
    assert eligibility.audience_blockers(worker(home_organisation_id="borrower"), later, NOW) == []
    assert eligibility.audience_blockers(worker(opted_in=False), offer(), NOW)


def test_travel_distance():
    utrecht, amersfoort = (52.0907, 5.1214), (52.1561, 5.3878)
    assert 19 < eligibility.distance_km(utrecht, amersfoort) < 20
    assert eligibility.audience_blockers(worker(home=utrecht, max_travel_km=15), offer(site=amersfoort), NOW)
    assert eligibility.audience_blockers(worker(home=utrecht, max_travel_km=20), offer(site=amersfoort), NOW) == []
    assert eligibility.audience_blockers(worker(home=None, max_travel_km=1), offer(site=amersfoort), NOW) == []


def test_assess_orders_blockers_as_the_contract_says():
    blockers = assess(shift=offer(skills=frozenset({"sondevoeding"}), function="verpleegkundige-mbo"),
                      shift_status="open", places=1, places_filled=1, worker=worker(blocked_by=frozenset({"borrower"})),
                      person=Person(age=40), existing=[], break_minutes=30, loaned_minutes_that_month=0, now=NOW,
                      catalogue=DEFAULT, rules=Rules())
    kinds = [b.type for b in blockers]
    assert kinds == ["shift-full", "qualification", "credential", "excluded"]
    assert kinds == sorted(kinds, key=BLOCKER_ORDER.index)


def test_wave_table():
    pub = NOW
    far = waves.schedule(pub, pub + timedelta(days=8), False, True)
    assert (far.partners_at - pub, far.region_at - pub) == (timedelta(hours=48), timedelta(hours=72))
    week = waves.schedule(pub, pub + timedelta(days=7), False, True)
    assert (week.partners_at - pub, week.region_at - pub) == (timedelta(hours=12), timedelta(hours=18))
    two = waves.schedule(pub, pub + timedelta(days=2), False, True)
    assert (two.partners_at - pub, two.region_at - pub) == (timedelta(hours=1), timedelta(hours=2))
    half = waves.schedule(pub, pub + timedelta(hours=12), False, True)
    assert half.region_at - pub == timedelta(hours=2)
    soon = waves.schedule(pub, pub + timedelta(hours=11, minutes=59), False, True)
    assert soon.region_at == pub
    assert waves.schedule(pub, pub + timedelta(days=30), True, True).region_at == pub
    no_partners = waves.schedule(pub, pub + timedelta(days=8), False, False)
    assert no_partners.partners_at == no_partners.region_at == pub + timedelta(hours=48)
    assert waves.tier(far, pub) == "organisation"
    assert waves.tier(far, pub + timedelta(hours=48)) == "partners"
    assert waves.tier(far, pub + timedelta(hours=72)) == "region"


@given(st.integers(0, 60 * 24 * 40), st.booleans(), st.booleans(), st.integers(0, 60 * 24 * 50))
def test_waves_widen_before_the_start_and_never_narrow(lead_minutes, urgent, partners, later):
    start = NOW + timedelta(minutes=lead_minutes)
    s = waves.schedule(NOW, start, urgent, partners)
    assert NOW <= s.partners_at <= s.region_at
    assert s.region_at <= max(start, NOW)
    order = {t: i for i, t in enumerate(waves.TIERS)}
    assert order[waves.tier(s, NOW + timedelta(minutes=later))] >= order[waves.tier(s, NOW)]
