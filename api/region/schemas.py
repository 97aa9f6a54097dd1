"""The region's own settings (working-time rules, waves, hours) and the planning desk's board."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import msgspec

from api.wire import Camel, Email, Name, Out
from flexpool.domain.policy import COUNT_RULES, MAX_MINUTES, RegionPolicy
from flexpool.domain.vocabulary import (
    SettleHours,
    Tier,
)
from flexpool.domain.waves import WaveTable
from flexpool.domain.worktime import Rules


class RegionPlannerIn(Camel):
    email: Email
    name: Name


class BoardRow(Out):
    shift_id: UUID
    organisation_id: UUID
    organisation_name: str
    site_name: str
    function: str
    starts_at: datetime
    ends_at: datetime
    urgent: bool
    tier: Tier
    places_open: int
    minutes_to_start: int
    acceptable_by: int


def worktime_field(rule: str) -> str:
    """The wire name (before camelCase) of a working-time rule: durations carry `_minutes`."""
    return rule if rule in COUNT_RULES else f"{rule}_minutes"


WorktimeSettings = msgspec.defstruct(
    "WorktimeSettings",
    [(worktime_field(rule), Annotated[int, msgspec.Meta(ge=1, le=100 if rule in COUNT_RULES else MAX_MINUTES)] | None,
      None) for rule in Rules.__struct_fields__],
    bases=(Camel,), kw_only=True)


WorktimeSettings.__doc__ = ("Working-time limits of the region, durations in minutes; a missing field is the "
                            "default of DOMAIN.md (e.g. maxShiftMinutes 720, restMinutes 660).")


class WaveRow(Camel):
    """Shifts published more than `leadMoreThanMinutes` before their start stay with the own organisation for
    `organisationMinutes`, then with the partners for `partnersMinutes`, then go to the region."""

    lead_more_than_minutes: Annotated[int, msgspec.Meta(ge=1, le=365 * 24 * 60)]
    organisation_minutes: Annotated[int, msgspec.Meta(ge=0, le=90 * 24 * 60)]
    partners_minutes: Annotated[int, msgspec.Meta(ge=0, le=90 * 24 * 60)]


class RegionSettings(Camel):
    """PUT replaces the region's settings: what is left out goes back to the default."""

    worktime: WorktimeSettings | None = None  # type: ignore[valid-type]
    waves: Annotated[list[WaveRow], msgspec.Meta(max_length=10)] | None = None
    settle_hours: SettleHours = SettleHours.ABSOLUTE


class Region(Out):
    id: UUID
    name: str
    settings: RegionSettings


MINUTE = timedelta(minutes=1)


def policy_of(data: RegionSettings) -> RegionPolicy:
    given: dict[str, int] = {}
    if data.worktime is not None:
        given = {rule: getattr(data.worktime, worktime_field(rule)) for rule in Rules.__struct_fields__
                 if getattr(data.worktime, worktime_field(rule)) is not None}
    waves = WaveTable(tuple((w.lead_more_than_minutes * MINUTE, w.organisation_minutes * MINUTE,
                             w.partners_minutes * MINUTE) for w in data.waves)) if data.waves else WaveTable()
    return RegionPolicy(Rules(**given), waves, data.settle_hours)


def settings_of(policy: RegionPolicy) -> RegionSettings:
    """Every value in effect, defaults included, so a client never has to know them."""
    worktime = WorktimeSettings(**{worktime_field(rule): getattr(policy.rules, rule) for rule in Rules.__struct_fields__})
    waves = [WaveRow(lead // MINUTE, own // MINUTE, partners // MINUTE) for lead, own, partners in policy.waves.rows]
    return RegionSettings(worktime=worktime, waves=waves, settle_hours=policy.settle_hours)
