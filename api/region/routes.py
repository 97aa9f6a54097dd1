"""The caller's region and its policy: working-time limits, the wave table, how hours are settled."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from asyncpg import Connection
from litestar import Controller, delete, get, post, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.organisations.schemas import Member
from api.pagination import Cursor, Limit, Page, decode_cursor, page, page_of
from api.region.schemas import BoardRow, Region, RegionPlannerIn, RegionSettings, policy_of, settings_of
from api.shifts.routes import When
from api.shifts.schemas import HistoryEvent, history_out
from api.wire import at
from flexpool.domain.directory import NewPerson
from flexpool.domain.vocabulary import Role
from flexpool.services import planning_desk, regions
from flexpool.services.principal import Principal


class RegionController(Controller):
    path = "/v1/region"
    tags = ["region"]

    @get("/", summary="The caller's region with every setting in effect (defaults included)")
    async def detail(self, conn: Connection, p: Principal) -> Region:
        found = await regions.region(conn, p)
        return Region(id=found.region.id, name=found.region.name, settings=settings_of(found.policy))

    @put("/settings", summary="Replace the region's settings (coordinator); left out means the default")
    async def replace(self, conn: Connection, p: Principal, now: datetime, data: RegionSettings) -> Region:
        found = await regions.set_policy(conn, p, policy_of(data), now)
        return Region(id=found.region.id, name=found.region.name, settings=settings_of(found.policy))

    @get("/history", summary="Changes of the region's and its organisations' settings, newest first (coordinator)")
    async def history(self, conn: Connection, p: Principal, limit: Limit = 50,
                      cursor: Cursor = None) -> Page[HistoryEvent]:
        after = decode_cursor(cursor, int)
        rows = await regions.history(conn, p, before_id=after[0] if after else None, limit=limit + 1)
        return page(rows, limit, history_out, lambda e: (e.id,))


class PlanningDeskController(Controller):
    """The region's planning desk (CONTRACT.md v1.1, Region planning)."""

    path = "/v1/region"
    tags = ["region"]

    @post("/planners", summary="Make someone a region planner (coordinator): plans for organisations that delegate")
    async def add_planner(self, conn: Connection, p: Principal, now: datetime, data: RegionPlannerIn) -> Member:
        user = await planning_desk.add_region_planner(conn, p, NewPerson(email=data.email, name=data.name), now)
        return Member(id=user.id, email=user.email, name=user.name, roles=[Role.REGION_PLANNER])

    @get("/planners", summary="The region planners (coordinator, region planners)")
    async def planners(self, conn: Connection, p: Principal, limit: Limit = 50, cursor: Cursor = None) -> Page[Member]:
        rows = await planning_desk.region_planners(conn, p)
        return page_of([Member(m.id, m.email, m.name, list(m.roles)) for m in rows], limit, cursor,
                       lambda m: (m.name, str(m.id)))

    @delete("/planners/{user_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="End a region planner's role")
    async def remove_planner(self, conn: Connection, p: Principal, now: datetime, user_id: UUID) -> None:
        await planning_desk.remove_region_planner(conn, p, user_id, now)

    @get("/board", summary="Open shifts of the whole region, most urgent first, with how many pool workers could "
                           "accept each now (region planner, coordinator)")
    async def board(self, conn: Connection, p: Principal, now: datetime,
                    from_: When = Parameter(query="from", default=None), to: When = None,
                    limit: Annotated[int, Parameter(ge=1, le=100)] = 20, cursor: Cursor = None) -> Page[BoardRow]:
        after = decode_cursor(cursor, datetime, UUID)
        rows = await planning_desk.board(conn, p, from_, to, now, after=after, limit=limit + 1)
        return page(rows, limit, lambda r: BoardRow(
            shift_id=r.shift.id, organisation_id=r.shift.organisation_id, organisation_name=r.shift.organisation_name,
            site_name=r.shift.site_name, function=r.shift.function, starts_at=at(r.shift.starts_at),
            ends_at=at(r.shift.ends_at), urgent=r.shift.urgent, tier=r.tier, places_open=r.places_open,
            minutes_to_start=r.minutes_to_start, acceptable_by=r.acceptable_by),
            lambda r: (r.shift.starts_at.isoformat(), r.shift.id))
