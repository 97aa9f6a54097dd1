"""The caller's region and its policy: working-time limits, the wave table, how hours are settled."""
from __future__ import annotations

from datetime import datetime

from asyncpg import Connection
from litestar import Controller, get, put

from api.pagination import Cursor, Limit, Page, decode_cursor, page
from api.region_shapes import policy_of, settings_of
from api.schemas import HistoryEvent, Region, RegionSettings
from api.shapes import history_out
from flexpool.services import regions
from flexpool.services.principal import Principal


class RegionController(Controller):
    path = "/v1/region"
    tags = ["region"]

    @get("/", summary="The caller's region with every setting in effect (defaults included)")
    async def detail(self, conn: Connection, p: Principal) -> Region:
        row, policy = await regions.region(conn, p)
        return Region(id=row["id"], name=row["name"], settings=settings_of(policy))

    @put("/settings", summary="Replace the region's settings (coordinator); left out means the default")
    async def replace(self, conn: Connection, p: Principal, now: datetime, data: RegionSettings) -> Region:
        row, policy = await regions.set_policy(conn, p, policy_of(data), now)
        return Region(id=row["id"], name=row["name"], settings=settings_of(policy))

    @get("/history", summary="Changes of the region's and its organisations' settings, newest first (coordinator)")
    async def history(self, conn: Connection, p: Principal, limit: Limit = 50,
                      cursor: Cursor = None) -> Page[HistoryEvent]:
        after = decode_cursor(cursor, int)
        rows = await regions.history(conn, p, before_id=after[0] if after else None, limit=limit + 1)
        return page(rows, limit, history_out, lambda r: (r["id"],))
