"""Regions: the unit of a flex pool; settings hold the region's overrides of the defaults."""
from __future__ import annotations

from asyncpg import Connection


async def create(conn: Connection, name: str):
    return await conn.fetchrow("INSERT INTO regions (name) VALUES ($1) RETURNING *", name)


async def get(conn: Connection, region_id):
    return await conn.fetchrow("SELECT * FROM regions WHERE id = $1", region_id)


async def by_name(conn: Connection, name: str):
    return await conn.fetchrow("SELECT * FROM regions WHERE name = $1", name)


async def set_settings(conn: Connection, region_id, settings: dict) -> None:
    await conn.execute("UPDATE regions SET settings = $2 WHERE id = $1", region_id, settings)
