"""Tariffs and the irregular-hours allowance (ORT) of the borrower's CAO, in absolute minutes.

A band table maps each local day type to hour windows with a percentage. The minutes of a shift in each
window are counted in absolute time, so a band across a DST change is as long as it really was.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import holidays
import msgspec

from flexpool.domain.clock import at_local, local, utc, wall

# Cost price per hour in cents (gross wage, employer costs, a reasonable fee): the region's starting table.
DEFAULT_TARIFFS: dict[str, int] = {
    "helpende": 2950, "verzorgende-ig": 3450, "verpleegkundige-mbo": 3950, "verpleegkundige-hbo": 4550,
    "begeleider-3": 3400, "begeleider-4": 3750, "gedragsdeskundige": 5200, "gastvrouw": 2700,
}


class Band(msgspec.Struct, frozen=True):
    """[start, end) on the local clock (end 24:00 as hour 24) of one day type, at `percent` on top."""

    day: str  # weekday | friday | saturday | sunday | holiday | dec24-31
    start: int
    end: int
    percent: int
    label: str


class OrtTable(msgspec.Struct, frozen=True):
    cao: str
    bands: tuple[Band, ...]


VVT_GHZ = (
    Band("weekday", 0, 6, 44, "ma-vr 22-06"), Band("weekday", 6, 7, 22, "ma-vr 06-07"),
    Band("weekday", 20, 22, 22, "ma-vr 20-22"), Band("weekday", 22, 24, 44, "ma-vr 22-06"),
    Band("saturday", 0, 6, 49, "za 00-06 en 22-24"), Band("saturday", 6, 8, 38, "za 06-08 en 12-22"),
    Band("saturday", 12, 22, 38, "za 06-08 en 12-22"), Band("saturday", 22, 24, 49, "za 00-06 en 22-24"),
    Band("sunday", 0, 24, 60, "zon- en feestdagen"), Band("holiday", 0, 24, 60, "zon- en feestdagen"),
    Band("dec24-31", 18, 24, 60, "24 en 31 dec vanaf 18:00"),
)
SOCIAAL_WERK = (
    Band("weekday", 0, 7, 25, "voor 07:00"), Band("weekday", 19, 24, 20, "ma-do na 19:00"),
    Band("friday", 0, 7, 25, "voor 07:00"), Band("friday", 19, 24, 25, "vrijdagavond"),
    Band("saturday", 0, 24, 25, "zaterdag"),
    Band("sunday", 0, 24, 45, "zon- en feestdagen"), Band("holiday", 0, 24, 45, "zon- en feestdagen"),
)
ORT_TABLES = {"vvt": OrtTable("vvt", VVT_GHZ), "ghz": OrtTable("ghz", VVT_GHZ),
              "sociaal-werk": OrtTable("sociaal-werk", SOCIAAL_WERK)}
DAY_TYPES = ("weekday", "friday", "saturday", "sunday", "holiday", "dec24-31")


def ort_tables(overrides: dict[str, list[dict[str, Any]]] | None) -> dict[str, OrtTable]:
    """The CAO tables of DOMAIN.md with a region's replacements (per CAO, the whole table)."""
    tables = dict(ORT_TABLES)
    for cao, bands in (overrides or {}).items():
        if cao in tables:
            tables[cao] = OrtTable(cao, tuple(Band(b["day"], b["start"], b["end"], b["percent"], b["label"])
                                              for b in bands))
    return tables


def band_problems(cao: str, bands: list[Band]) -> list[tuple[str, str]]:
    """A table that could count a minute twice or not at all is refused; field names as the API has them."""
    out = []
    if cao not in ORT_TABLES:
        return [(f"ort.{cao}", "no such CAO table (vvt, ghz, sociaal-werk)")]
    for i, b in enumerate(bands):
        field = f"ort.{cao}[{i}]"
        if b.day not in DAY_TYPES:
            out.append((f"{field}.day", f"one of {', '.join(DAY_TYPES)}"))
        if not 0 <= b.start < b.end <= 24:
            out.append((f"{field}.endHour", "0 <= startHour < endHour <= 24"))
        if not 0 <= b.percent <= 200:
            out.append((f"{field}.percent", "between 0 and 200"))
        if not b.label.strip():
            out.append((f"{field}.label", "say what the band is, e.g. 'ma-vr 22-06'"))
    for i, a in enumerate(bands):
        for b in bands[i + 1:]:
            if a.day == b.day and a.start < b.end and b.start < a.end:
                out.append((f"ort.{cao}", f"two {a.day} bands overlap ({a.label}, {b.label})"))
    return out


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in _holidays(day.year)


def _windows(day: date, table: OrtTable) -> list[tuple[int, int, int, str]]:
    """(start hour, end hour, percent, label) that apply on `day`; a holiday or Sunday rule wins the hours it covers."""
    kinds = []
    if is_public_holiday(day):
        kinds.append("holiday")
    elif day.weekday() == 6:
        kinds.append("sunday")
    else:
        kinds.append("saturday" if day.weekday() == 5 else
                     "friday" if day.weekday() == 4 and any(b.day == "friday" for b in table.bands) else "weekday")
    base = [(b.start, b.end, b.percent, b.label) for b in table.bands if b.day in kinds]
    if (day.month, day.day) in ((12, 24), (12, 31)):
        special = [(b.start, b.end, b.percent, b.label) for b in table.bands if b.day == "dec24-31"]
        for s, e, pct, label in special:
            # The higher percentage wins inside the special window.
            out = []
            for bs, be, bp, bl in base:
                if be <= s or bs >= e or bp >= pct:
                    out.append((bs, be, bp, bl))
                else:
                    if bs < s:
                        out.append((bs, s, bp, bl))
                    if be > e:
                        out.append((e, be, bp, bl))
            base = out + [(s, e, pct, label)]
    return base


class OrtMinutes(msgspec.Struct, frozen=True):
    percent: int
    label: str
    minutes: int


def _naive(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock)


@lru_cache(maxsize=8192)
def _day_windows(day: date, table: OrtTable, clock_face: bool) -> tuple[tuple[datetime, datetime, int, str], ...]:
    """The band windows of one local day, as absolute instants or, for clock-face time, as naive wall-clock
    times (cached: a month has few distinct days, a region few tables)."""
    at = _naive if clock_face else at_local
    out = []
    for start_hour, end_hour, percent, label in _windows(day, table):
        lo = at(day, time(start_hour))
        hi = at(day + timedelta(days=1), time(0)) if end_hour == 24 else at(day, time(end_hour))
        out.append((lo, hi, percent, label))
    return tuple(out)


def ort_minutes(starts_at: datetime, ends_at: datetime, cao: str, clock_face: bool = False,
                tables: dict[str, OrtTable] | None = None) -> list[OrtMinutes]:
    """Minutes of [starts_at, ends_at) in each ORT band of the CAO: absolute time on the local calendar, or
    clock-face time when the region settles that (the repeated October hour once, the March hour not)."""
    table = (tables or ORT_TABLES)[cao]
    s, e = (wall(starts_at), wall(ends_at)) if clock_face else (utc(starts_at), utc(ends_at))
    totals: dict[tuple[int, str], int] = {}
    day = (s if clock_face else local(s)).date()
    last = (e if clock_face else local(e)).date()
    while day <= last:
        for lo, hi, percent, label in _day_windows(day, table, clock_face):
            overlap = int((min(hi, e) - max(lo, s)).total_seconds() // 60)
            if overlap > 0:
                totals[(percent, label)] = totals.get((percent, label), 0) + overlap
        day += timedelta(days=1)
    return [OrtMinutes(p, label, m) for (p, label), m in sorted(totals.items(), key=lambda x: (-x[0][0], x[0][1]))]


def deduct_break_minutes(total_minutes: int, ort: list[OrtMinutes], break_minutes: int) -> list[OrtMinutes]:
    """The break is not worked: it comes off the minutes without allowance first, then the lowest bands."""
    plain = total_minutes - sum(o.minutes for o in ort)
    remaining = max(break_minutes - plain, 0)
    out = []
    for o in sorted(ort, key=lambda o: o.percent):
        take = min(o.minutes, remaining)
        remaining -= take
        if o.minutes - take > 0:
            out.append(OrtMinutes(o.percent, o.label, o.minutes - take))
    return sorted(out, key=lambda o: (-o.percent, o.label))
