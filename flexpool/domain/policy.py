"""A region's choices within the law: working-time limits, the wave table, how worked hours are settled.

DOMAIN.md gives defaults; a region may set its own (a region on the care CAOs may cap a shift at 10 h, wait
longer before widening, or settle clock-face hours). Stored as one JSON document per region; anything not
set there is the default, so a region only ever records what it changed.
"""
from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

import msgspec

from flexpool.domain.vocabulary import SettleHours
from flexpool.domain.waves import WaveTable
from flexpool.domain.worktime import Rules

COUNT_RULES = frozenset({"nights_for_lower_average", "night_series", "max_series_with_night",
                         "max_late_nights_16_weeks"})
MAX_MINUTES = 16 * 7 * 24 * 60  # nothing in the rules spans more than 16 weeks


class RegionPolicy(msgspec.Struct, frozen=True):
    rules: Rules = Rules()
    waves: WaveTable = WaveTable()
    settle_hours: SettleHours = SettleHours.ABSOLUTE

    @property
    def settle_clock_face(self) -> bool:
        return self.settle_hours == SettleHours.CLOCK_FACE


def from_settings(settings: dict[str, Any] | None) -> RegionPolicy:
    """The region's stored settings over the defaults; unknown keys (older or newer versions) are ignored."""
    settings = settings or {}
    worktime = {k: v for k, v in settings.get("worktime", {}).items() if k in Rules.__struct_fields__}
    rows = settings.get("waves")
    waves = WaveTable(tuple((timedelta(minutes=lead), timedelta(minutes=own), timedelta(minutes=partners))
                            for lead, own, partners in rows)) if rows else WaveTable()
    hours = settings.get("settleHours", "absolute")
    return RegionPolicy(Rules(**worktime), waves,
                        SettleHours(hours) if hours in set(SettleHours) else SettleHours.ABSOLUTE)


def to_settings(policy: RegionPolicy) -> dict[str, Any]:
    """Only what differs from the defaults, so a later change of a default reaches every region that kept it."""
    defaults = Rules()
    out: dict[str, Any] = {}
    worktime = {f: getattr(policy.rules, f) for f in Rules.__struct_fields__
                if getattr(policy.rules, f) != getattr(defaults, f)}
    if worktime:
        out["worktime"] = worktime
    if policy.waves != WaveTable():
        out["waves"] = [[lead // timedelta(minutes=1), own // timedelta(minutes=1), partners // timedelta(minutes=1)]
                        for lead, own, partners in policy.waves.rows]
    if policy.settle_hours != SettleHours.ABSOLUTE:
        out["settleHours"] = str(policy.settle_hours)
    return out


def problems(policy: RegionPolicy) -> list[tuple[str, str]]:
    """(field, message) for a policy that cannot work; field names as the API spells them."""
    out = []
    r = policy.rules
    for name in Rules.__struct_fields__:
        value = getattr(r, name)
        field = f"worktime.{_camel(name)}" + ("" if name in COUNT_RULES else "Minutes")
        if not 0 < value <= (100 if name in COUNT_RULES else MAX_MINUTES):
            out.append((field, "must be positive and within 16 weeks" if name not in COUNT_RULES else
                        "must be between 1 and 100"))
    if r.short_rest > r.rest:
        out.append(("worktime.shortRestMinutes", "cannot be longer than the daily rest"))
    if r.minor_rest < r.rest:
        out.append(("worktime.minorRestMinutes", "minors cannot get less rest than adults"))
    if r.minor_max_shift > r.max_shift or r.minor_max_week > r.max_week:
        out.append(("worktime", "minors cannot get higher limits than adults"))
    leads = [lead for lead, _, _ in policy.waves.rows]
    if any(a <= b for a, b in pairwise(leads)):
        out.append(("waves", "rows go from the longest lead time to the shortest, each lead time once"))
    for i, (lead, own, partners) in enumerate(policy.waves.rows):
        if lead <= timedelta(0) or own < timedelta(0) or partners < timedelta(0):
            out.append((f"waves[{i}]", "lead time must be positive, the tiers zero or more"))
        elif own + partners > lead:
            out.append((f"waves[{i}]", "the tiers together last longer than the lead time: the region would "
                                       "never be reached before the start"))
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)
