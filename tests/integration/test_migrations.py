"""Every schema change is a migration: an empty database goes to head, back to base and up again."""
import asyncio
import uuid

import asyncpg

from flexpool.db import databases, migrations


async def _tables(url):
    conn = await asyncpg.connect(url)
    try:
        return {r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    finally:
        await conn.close()


def test_upgrade_downgrade_upgrade(server_url):
    name = f"mig_{uuid.uuid4().hex[:12]}"

    url = asyncio.run(databases.recreate(server_url, name))
    try:
        migrations.upgrade(url)
        tables = asyncio.run(_tables(url))
        assert {"regions", "organisations", "workers", "roster_blocks", "devices", "shifts", "assignments"} <= tables
        migrations.downgrade(url, "base")
        assert asyncio.run(_tables(url)) == {"alembic_version"}
        migrations.upgrade(url)
        assert asyncio.run(_tables(url)) == tables
    finally:
        asyncio.run(databases.drop(server_url, name))


def test_head_is_the_last_revision():
    assert migrations.head() is not None
