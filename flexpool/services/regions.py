"""Creating a region with its first coordinator."""
from __future__ import annotations

from flexpool.db import regions as regions_db
from flexpool.db import users as users_db


async def create_region(conn, name: str, coordinator_email: str):
    async with conn.transaction():
        region = await regions_db.by_name(conn, name) or await regions_db.create(conn, name)
        user = await users_db.get_or_create(conn, coordinator_email, coordinator_email.split("@")[0].title())
        await users_db.grant(conn, user["id"], region["id"], None, "coordinator")
    return region
