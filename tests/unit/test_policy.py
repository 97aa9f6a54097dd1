"""A region's policy: stored as only what differs from the defaults, read back as it was set."""
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from flexpool.domain import policy
from flexpool.domain.policy import RegionPolicy
from flexpool.domain.vocabulary import SettleHours
from flexpool.domain.waves import WaveTable
from flexpool.domain.worktime import Rules

rule_values = st.fixed_dictionaries({}, optional={
    name: st.integers(1, 100) if name in policy.COUNT_RULES else st.integers(1, 7 * 24 * 60)
    for name in Rules.__struct_fields__})
wave_rows = st.lists(st.tuples(st.integers(1, 30 * 24 * 60), st.integers(0, 5000), st.integers(0, 5000)),
                     max_size=4, unique_by=lambda r: r[0])


@given(rule_values, wave_rows, st.sampled_from(SettleHours))
def test_settings_round_trip(rules, rows, hours):
    rows = sorted(rows, reverse=True)
    waves = WaveTable(tuple(tuple(timedelta(minutes=m) for m in row) for row in rows)) if rows else WaveTable()
    p = RegionPolicy(Rules(**rules), waves, hours)
    stored = policy.to_settings(p)
    assert policy.from_settings(stored) == p
    assert set(stored.get("worktime", {})) <= set(rules)  # only what differs from the defaults is kept


def test_defaults_and_unknown_keys():
    assert policy.from_settings(None) == policy.from_settings({}) == RegionPolicy()
    assert policy.to_settings(RegionPolicy()) == {}
    assert policy.from_settings({"worktime": {"max_shift": 600, "gone": 1}, "settleHours": "??"}) == \
        RegionPolicy(Rules(max_shift=600))
    assert policy.problems(RegionPolicy()) == []


def test_problems_name_the_field():
    assert policy.problems(RegionPolicy(Rules(short_rest=12 * 60))) == [
        ("worktime.shortRestMinutes", "cannot be longer than the daily rest")]
    assert [f for f, _ in policy.problems(RegionPolicy(Rules(minor_max_shift=13 * 60)))] == ["worktime"]
    assert [f for f, _ in policy.problems(RegionPolicy(Rules(night_series=0)))] == ["worktime.nightSeries"]
    hour = timedelta(hours=1)
    assert [f for f, _ in policy.problems(RegionPolicy(waves=WaveTable(((hour, hour, hour),))))] == ["waves[0]"]
    assert [f for f, _ in policy.problems(RegionPolicy(waves=WaveTable(((hour, 0 * hour, 0 * hour),
                                                                        (2 * hour, 0 * hour, 0 * hour)))))] == ["waves"]
