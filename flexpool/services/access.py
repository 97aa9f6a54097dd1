"""One gate per resource: may this caller see, plan or administer it? Every endpoint asks here.

The answer always includes the region (CONTRACT.md, "Between organisations and regions"): outside the
caller's region everything is 404, for every role, coordinators included. Inside it, a resource belongs to
one organisation; `Principal.authorise` decides with the roles the caller holds there: the role passes,
a member of that organisation (or the region's coordinator) without it gets 403, everyone else 404.
Each gate returns the row it loaded, so a handler never loads the resource a second, unchecked way.
Called with no roles, a gate only decides how to refuse someone who is not the resource's own person (a
worker's application or assignment): 403 for members of the owning organisation, 404 for everyone else.
"""
from __future__ import annotations

from uuid import UUID

from asyncpg import Connection

from flexpool.db import applications as applications_db
from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db import shifts as shifts_db
from flexpool.db import workers as workers_db
from flexpool.db.applications import Application
from flexpool.db.assignments import Assignment
from flexpool.db.organisations import Organisation
from flexpool.db.shifts import Shift
from flexpool.db.workers import Worker
from flexpool.services.errors import NotFound
from flexpool.services.principal import Principal

PLANNING = ("planner", "orgAdmin")
STAFF = ("planner", "orgAdmin", "finance")


async def organisation(conn: Connection, p: Principal, organisation_id: UUID, *roles: str, coordinator: bool = False,
                       delegated: bool = False) -> Organisation:
    """The organisation row, if the caller holds one of `roles` there (or is the region's coordinator and
    `coordinator` allows it, or a region planner and `delegated` allows it for an organisation that delegates
    its planning)."""
    row = await orgs_db.get(conn, organisation_id, p.region_id) if p.region_id else None
    p.authorise(organisation_id, *roles, region_id=row.region_id if row else None, coordinator=coordinator,
                delegated=delegated and bool(row and row.delegates_planning))
    assert row is not None, "authorise refuses an organisation outside the caller's region"
    return row


def on_behalf(p: Principal, organisation_id: UUID) -> dict[str, str]:
    """Audit data of an act by the region's planning desk for a delegating organisation."""
    if p.has(organisation_id, *PLANNING):
        return {}
    return {"onBehalfOf": str(organisation_id), "as": "regionPlanner"} if p.is_region_planner else {}


async def worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID, *roles: str,
                 coordinator: bool = False) -> Worker:
    """A worker of the organisation (their home employer), for the roles given there."""
    await organisation(conn, p, organisation_id, *roles, coordinator=coordinator)
    row = await workers_db.get(conn, worker_id, organisation_id)
    if row is None:
        raise NotFound("worker")
    return row


async def shift(conn: Connection, p: Principal, shift_id: UUID, *roles: str, coordinator: bool = False,
                delegated: bool = False) -> Shift:
    """A shift, for the roles given at its (publishing) organisation."""
    row = await shifts_db.get(conn, shift_id, p.region_id) if p.region_id else None
    if row is None:
        raise NotFound("shift")
    await shift_allowed(conn, p, row, *roles, coordinator=coordinator, delegated=delegated)
    return row


async def shift_allowed(conn: Connection, p: Principal, row: Shift, *roles: str, coordinator: bool = False,
                        delegated: bool = False) -> None:
    """The gate of `shift` for a shift row already loaded."""
    if delegated and p.is_region_planner:
        delegated = (await orgs_db.known(conn, row.organisation_id)).delegates_planning
    try:
        p.authorise(row.organisation_id, *roles, region_id=row.region_id, coordinator=coordinator,
                    delegated=delegated)
    except NotFound:
        raise NotFound("shift") from None


async def assignment(conn: Connection, p: Principal, assignment_id: UUID, *roles: str,
                     delegated: bool = False) -> Assignment:
    """An assignment, for the roles given at the borrowing organisation."""
    row = await assignments_db.get(conn, assignment_id)
    if row is None:
        raise NotFound("assignment")
    org = await orgs_db.get(conn, row.organisation_id, p.region_id) if p.region_id else None
    try:
        p.authorise(row.organisation_id, *roles, region_id=org.region_id if org else None,
                    delegated=delegated and bool(org and org.delegates_planning))
    except NotFound:
        raise NotFound("assignment") from None
    return row


async def application(conn: Connection, p: Principal, application_id: UUID, *roles: str,
                      delegated: bool = False) -> Application:
    """An application, for the roles given at the organisation of its shift."""
    row = await applications_db.get(conn, application_id)
    if row is None:
        raise NotFound("application")
    if delegated and p.is_region_planner and row.region_id == p.region_id:
        delegated = (await orgs_db.known(conn, row.organisation_id)).delegates_planning
    try:
        p.authorise(row.organisation_id, *roles, region_id=row.region_id, delegated=delegated)
    except NotFound:
        raise NotFound("application") from None
    return row
