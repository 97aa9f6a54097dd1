"""Secondments (detachering): propose, approve or decline, roster, end early."""
from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from asyncpg import Connection
from litestar import Controller, Request, get, post, put

from api.pagination import Cursor, Limit, Page, decode_cursor, page
from api.secondments.schemas import (
    Secondment,
    SecondmentEndIn,
    SecondmentIn,
    SecondmentRosterIn,
    secondment_out,
)
from api.shifts.routes import request_key
from api.wire import OptionalReason
from flexpool.domain.secondments import SecondmentProposal, SecondmentRoster, with_break
from flexpool.services import secondments
from flexpool.services.principal import Principal


class SecondmentController(Controller):
    path = "/v1/secondments"
    tags = ["secondments"]

    @post("/", summary="Propose a secondment (the borrower's planner): 201 proposed; the lender's orgAdmin and the "
                       "worker each approve")
    async def propose(self, request: Request, conn: Connection, p: Principal, now: datetime,
                      data: SecondmentIn) -> Secondment:
        proposal = SecondmentProposal(worker_id=data.worker_id, starts_on=data.from_, ends_on=data.to,
                                      minutes_per_week=data.minutes_per_week, function=data.function,
                                      site_id=data.site_id, note=data.note)
        s = await secondments.propose(conn, p, proposal, now, organisation_id=data.organisation_id,
                                      request_key=request_key(request))
        return secondment_out(s, [])

    @get("/", summary="Secondments the caller is party to (lender, borrower or the worker; the coordinator sees "
                      "all), newest first")
    async def list(self, conn: Connection, p: Principal,
                   status: Literal["proposed", "active", "declined", "ended"] | None = None, limit: Limit = 50,
                   cursor: Cursor = None) -> Page[Secondment]:
        after = decode_cursor(cursor, datetime, UUID)
        rows = await secondments.listed(conn, p, status, after, limit + 1)
        return page(rows, limit, secondment_out, lambda s: (s.proposed_at.isoformat(), s.id))

    @get("/{secondment_id:uuid}", summary="One secondment with its roster blocks")
    async def detail(self, conn: Connection, p: Principal, secondment_id: UUID) -> Secondment:
        s = await secondments.visible(conn, p, secondment_id)
        return secondment_out(s, await secondments.blocks_of(conn, s))

    @post("/{secondment_id:uuid}/approve", status_code=200,
          summary="Approve (the lender's orgAdmin, or the worker); active when both have")
    async def approve(self, conn: Connection, p: Principal, now: datetime, secondment_id: UUID) -> Secondment:
        s = await secondments.approve(conn, p, secondment_id, now)
        return secondment_out(s, await secondments.blocks_of(conn, s))

    @post("/{secondment_id:uuid}/decline", status_code=200, summary="Decline (the lender's orgAdmin, or the worker)")
    async def decline(self, conn: Connection, p: Principal, now: datetime, secondment_id: UUID,
                      data: OptionalReason | None = None) -> Secondment:
        s = await secondments.decline(conn, p, secondment_id, data.reason if data else None, now)
        return secondment_out(s, [])

    @put("/{secondment_id:uuid}/roster",
         summary="Roster the secondment's shifts (the borrower's planner): replaces the blocks inside [from, to); "
                 "every working-time check across all employers and the loan limit run")
    async def roster(self, conn: Connection, p: Principal, now: datetime, secondment_id: UUID,
                     data: SecondmentRosterIn) -> Secondment:
        await secondments.roster(conn, p, secondment_id, SecondmentRoster(
            data.from_, data.to, [with_break(b.starts_at, b.ends_at, b.break_minutes) for b in data.blocks]), now)
        s = await secondments.visible(conn, p, secondment_id)
        return secondment_out(s, await secondments.blocks_of(conn, s))

    @post("/{secondment_id:uuid}/end", status_code=200,
          summary="End early (the borrower's planner or the lender's orgAdmin): `on` becomes the last day")
    async def end(self, conn: Connection, p: Principal, now: datetime, secondment_id: UUID,
                  data: SecondmentEndIn) -> Secondment:
        s = await secondments.end(conn, p, secondment_id, data.on, data.reason, now)
        return secondment_out(s, await secondments.blocks_of(conn, s))
