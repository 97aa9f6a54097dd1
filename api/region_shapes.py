"""The region's settings on the wire and as the domain's RegionPolicy."""
from __future__ import annotations

from datetime import timedelta

from api.schemas import RegionSettings, WaveRow, WorktimeSettings
from api.schemas import worktime_field as _wire
from flexpool.domain.policy import RegionPolicy
from flexpool.domain.waves import WaveTable
from flexpool.domain.worktime import Rules

MINUTE = timedelta(minutes=1)


def policy_of(data: RegionSettings) -> RegionPolicy:
    given: dict[str, int] = {}
    if data.worktime is not None:
        given = {rule: getattr(data.worktime, _wire(rule)) for rule in Rules.__struct_fields__
                 if getattr(data.worktime, _wire(rule)) is not None}
    waves = WaveTable(tuple((w.lead_more_than_minutes * MINUTE, w.organisation_minutes * MINUTE,
                             w.partners_minutes * MINUTE) for w in data.waves)) if data.waves else WaveTable()
    return RegionPolicy(Rules(**given), waves, data.settle_hours)


def settings_of(policy: RegionPolicy) -> RegionSettings:
    """Every value in effect, defaults included, so a client never has to know them."""
    worktime = WorktimeSettings(**{_wire(rule): getattr(policy.rules, rule) for rule in Rules.__struct_fields__})
    waves = [WaveRow(lead // MINUTE, own // MINUTE, partners // MINUTE) for lead, own, partners in policy.waves.rows]
    return RegionSettings(worktime=worktime, waves=waves, settle_hours=policy.settle_hours)
