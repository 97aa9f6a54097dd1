"""When a published shift widens from its own organisation to partners and then the region."""
from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from flexpool.domain.vocabulary import Tier

TIERS = ("organisation", "partners", "region")


class WaveTable(msgspec.Struct, frozen=True):
    """(lead time at least, organisation tier, partners tier), longest lead first; below the last: region."""

    rows: tuple[tuple[timedelta, timedelta, timedelta], ...] = (
        (timedelta(days=7), timedelta(hours=48), timedelta(hours=24)),
        (timedelta(days=2), timedelta(hours=12), timedelta(hours=6)),
        (timedelta(hours=12), timedelta(hours=1), timedelta(hours=1)),
    )


class WaveSchedule(msgspec.Struct, frozen=True):
    partners_at: datetime
    region_at: datetime


def schedule(published_at: datetime, starts_at: datetime, urgent: bool, has_partners: bool,
             table: WaveTable = WaveTable()) -> WaveSchedule:
    """Tier start times; an organisation without partners skips the partners tier."""
    lead = starts_at - published_at
    if not urgent:
        for minimum, own, partners in table.rows:
            # "more than 7 days", "2 to 7 days", "12 h to 2 days": the lower bound belongs to the shorter row.
            if lead > minimum or (minimum == table.rows[-1][0] and lead >= minimum):
                partners_at = published_at + own
                region_at = partners_at + (partners if has_partners else timedelta(0))
                return WaveSchedule(partners_at, region_at)
    return WaveSchedule(published_at, published_at)


def tier(s: WaveSchedule, now: datetime) -> Tier:
    if now >= s.region_at:
        return Tier.REGION
    if now >= s.partners_at:
        return Tier.PARTNERS
    return Tier.ORGANISATION
