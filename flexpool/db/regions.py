"""Regions: the unit of a flex pool; settings hold the region's overrides of the defaults."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import one


class Region(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    settings: dict[str, Any]  # only what differs from the defaults (flexpool.domain.policy)
    created_at: datetime


async def create(conn: Connection, name: str) -> Region:
    return Region(**await conn.fetchrow("INSERT INTO regions (name) VALUES ($1) RETURNING *", name))


async def get(conn: Connection, region_id: UUID) -> Region | None:
    return one(Region, await conn.fetchrow("SELECT * FROM regions WHERE id = $1", region_id))


async def by_name(conn: Connection, name: str) -> Region | None:
    return one(Region, await conn.fetchrow("SELECT * FROM regions WHERE name = $1", name))


async def set_settings(conn: Connection, region_id: UUID, settings: dict[str, Any]) -> None:
    await conn.execute("UPDATE regions SET settings = $2 WHERE id = $1", region_id, settings)
