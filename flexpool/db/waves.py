"""Waves of a shift (shift_waves): each tier announced once, whatever number of schedulers run."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from asyncpg import Connection


async def claim(conn: Connection, shift_id: UUID, tier: str, now: datetime) -> bool:
    """True for the one caller that gets to announce this tier; everyone else finds the row written."""
    return bool(await conn.fetchval(
        "INSERT INTO shift_waves (shift_id, tier, announced_at, reached) VALUES ($1, $2, $3, 0) "
        "ON CONFLICT (shift_id, tier) DO NOTHING RETURNING true", shift_id, tier, now))


async def set_reached(conn: Connection, shift_id: UUID, tier: str, count: int) -> None:
    await conn.execute("UPDATE shift_waves SET reached = $3 WHERE shift_id = $1 AND tier = $2", shift_id, tier, count)


async def due(conn: Connection, now: datetime, limit: int) -> list:
    """Open shifts with a tier reached by the clock and not announced yet, soonest first."""
    rows = await conn.fetch(
        "SELECT s.id FROM shifts s WHERE s.status = 'open' AND s.starts_at > $1 AND ("
        "  NOT EXISTS (SELECT 1 FROM shift_waves w WHERE w.shift_id = s.id AND w.tier = 'organisation')"
        "  OR (s.partners_at <= $1 AND NOT EXISTS ("
        "      SELECT 1 FROM shift_waves w WHERE w.shift_id = s.id AND w.tier = 'partners'))"
        "  OR (s.region_at <= $1 AND NOT EXISTS ("
        "      SELECT 1 FROM shift_waves w WHERE w.shift_id = s.id AND w.tier = 'region'))) "
        "ORDER BY s.starts_at LIMIT $2", now, limit)
    return [r["id"] for r in rows]
