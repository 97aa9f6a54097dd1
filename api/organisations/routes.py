"""Organisations, members, sites, partners and blocked workers."""
from __future__ import annotations

import builtins
from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec
from asyncpg import Connection
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.organisations.schemas import (
    INVITED,
    BlockedWorker,
    BlockedWorkerIn,
    Favourite,
    FavouritesIn,
    Invitation,
    Member,
    MemberIn,
    Organisation,
    OrganisationIn,
    OrganisationPatch,
    Partners,
    PartnersIn,
    Site,
    SiteIn,
    created_or_invited,
    invitation_out,
)
from api.pagination import Cursor, Limit, Page, page_of
from api.wire import at
from flexpool.db import organisations as orgs_db
from flexpool.domain.directory import NewOrganisation, NewPerson, NewSite, OrganisationChange
from flexpool.domain.vocabulary import Role
from flexpool.services import directory, invitations
from flexpool.services.principal import Principal


def organisation_out(o: orgs_db.Organisation, full: bool) -> Organisation:
    """Other organisations are shown by name only; their own members and the coordinator see the rest."""
    if not full:
        return Organisation(id=o.id, name=o.name)
    return Organisation(id=o.id, name=o.name, kind=o.kind, cao=o.cao, kvk_number=o.kvk_number, iban=o.iban,
                        vat_number=o.vat_number, address=o.address, postcode=o.postcode, city=o.city,
                        waadi_registered=o.waadi_registered, waadi_exempt=o.waadi_exempt,
                        worker_cancel_window_minutes=o.worker_cancel_window_minutes,
                        late_cancel_window_minutes=o.late_cancel_window_minutes,
                        late_cancellation_percent=o.late_cancellation_percent,
                        delegates_planning=o.delegates_planning)


def favourite_out(f: orgs_db.Favourite) -> Favourite:
    return Favourite(f.worker_id, f.name, f.home_organisation_id, f.home_organisation_name, f.opted_in)


def site_out(s: orgs_db.Site) -> Site:
    return Site(**{f: getattr(s, f) for f in Site.__struct_fields__})


class OrganisationController(Controller):
    path = "/v1/organisations"
    tags = ["organisations"]

    @post("/", summary="Create an organisation (coordinator)")
    async def create(self, conn: Connection, p: Principal, data: OrganisationIn) -> Organisation:
        row = await directory.create_organisation(conn, p, NewOrganisation(
            name=data.name, kvk_number=data.kvk_number, iban=data.iban, kind=data.kind, cao=data.cao))
        return organisation_out(row, True)

    @get("/", summary="Organisations of the caller's region (names only for non-coordinators)")
    async def list(self, conn: Connection, p: Principal, limit: Limit = 50, cursor: Cursor = None) -> Page[Organisation]:
        rows = await directory.list_organisations(conn, p)
        own = set(p.organisations())
        return page_of([organisation_out(r, p.is_coordinator or r.id in own) for r in rows], limit, cursor,
                       lambda o: (o.name, str(o.id)))

    @get("/{org_id:uuid}", summary="One organisation")
    async def detail(self, conn: Connection, p: Principal, org_id: UUID) -> Organisation:
        row = await directory.organisation(conn, p, org_id)
        return organisation_out(row, p.is_coordinator or org_id in p.organisations())

    @patch("/{org_id:uuid}", summary="Update an organisation: KvK, IBAN, address, CAO, Waadi status, "
                                     "cancellation policy")
    async def update(self, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                     data: OrganisationPatch) -> Organisation:
        change = OrganisationChange(**msgspec.structs.asdict(data))
        return organisation_out(await directory.update_organisation(conn, p, org_id, change, now), True)

    @post("/{org_id:uuid}/members", summary="Add a member with roles (orgAdmin, coordinator): 201 Member; 202 "
                                           "Invitation when the account belongs to another organisation",
          responses=INVITED)
    async def add_member(self, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                         data: MemberIn) -> Response[Member | Invitation]:
        result = await directory.add_member(conn, p, org_id, NewPerson(
            email=data.email, name=data.name, roles=[Role(r) for r in data.roles]), now)
        return created_or_invited(result, lambda m: Member(id=m.user.id, email=m.user.email, name=m.user.name,
                                                           roles=m.roles))

    @get("/{org_id:uuid}/invitations", summary="Invitations this organisation sent (orgAdmin, coordinator)")
    async def invitations(
        self, conn: Connection, p: Principal, org_id: UUID, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[Invitation]:
        rows = await invitations.organisation_invitations(conn, p, org_id)
        return page_of([invitation_out(r) for r in rows], limit, cursor, lambda i: (i.created_at.isoformat(), str(i.id)))

    @get("/{org_id:uuid}/members", summary="Members and their roles (orgAdmin, coordinator)")
    async def members(
        self, conn: Connection, p: Principal, org_id: UUID, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[Member]:
        rows = await directory.members(conn, p, org_id)
        return page_of([Member(m.id, m.email, m.name, list(m.roles)) for m in rows], limit, cursor,
                       lambda m: (m.name, str(m.id)))

    @delete("/{org_id:uuid}/members/{user_id:uuid}", status_code=HTTP_204_NO_CONTENT,
            summary="End a member's roles here (all staff roles, or ?role=planner); not the last orgAdmin")
    async def remove_member(self, conn: Connection, p: Principal, now: datetime, org_id: UUID, user_id: UUID,
                            role: builtins.list[Literal["orgAdmin", "planner", "finance"]] | None = None) -> None:
        await directory.remove_member(conn, p, org_id, user_id, role, now)

    @post("/{org_id:uuid}/sites", summary="Add a site (orgAdmin, coordinator)")
    async def add_site(self, conn: Connection, p: Principal, org_id: UUID, data: SiteIn) -> Site:
        row = await directory.add_site(conn, p, org_id, NewSite(
            name=data.name, address=data.address, postcode=data.postcode, city=data.city, latitude=data.latitude,
            longitude=data.longitude))
        return site_out(row)

    @get("/{org_id:uuid}/sites", summary="Sites of an organisation")
    async def sites(self, conn: Connection, p: Principal, org_id: UUID, limit: Limit = 50, cursor: Cursor = None) -> Page[Site]:
        return page_of([site_out(r) for r in await directory.sites(conn, p, org_id)], limit, cursor,
                       lambda s: (s.name, str(s.id)))

    @put("/{org_id:uuid}/partners", summary="Replace the preferred partners (the partners tier)")
    async def set_partners(self, conn: Connection, p: Principal, org_id: UUID, data: PartnersIn) -> Partners:
        ids = await directory.set_partners(conn, p, org_id, data.organisation_ids)
        return Partners(org_id, ids)

    @get("/{org_id:uuid}/partners", summary="The preferred partners")
    async def partners(self, conn: Connection, p: Principal, org_id: UUID) -> Partners:
        return Partners(org_id, await directory.partners(conn, p, org_id))

    @put("/{org_id:uuid}/favourites", summary="Replace the favourites: pool workers of any organisation whom this "
                                              "organisation's shifts reach in the first wave (planner)")
    async def set_favourites(self, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                             data: FavouritesIn) -> Page[Favourite]:
        rows = await directory.set_favourites(conn, p, org_id, data.worker_ids, now)
        return Page(items=[favourite_out(r) for r in rows])

    @get("/{org_id:uuid}/favourites", summary="The favourites (planner)")
    async def favourites(self, conn: Connection, p: Principal, org_id: UUID, limit: Limit = 50,
                         cursor: Cursor = None) -> Page[Favourite]:
        rows = await directory.favourites(conn, p, org_id)
        return page_of([favourite_out(r) for r in rows], limit, cursor, lambda f: (f.name, str(f.worker_id)))

    @post("/{org_id:uuid}/blocked-workers", summary="Block a worker from this organisation's shifts")
    async def block(self, conn: Connection, p: Principal, org_id: UUID, data: BlockedWorkerIn) -> BlockedWorker:
        row = await directory.block_worker(conn, p, org_id, data.worker_id, data.reason)
        return BlockedWorker(row.organisation_id, row.worker_id, row.reason, at(row.created_at))

    @get("/{org_id:uuid}/blocked-workers", summary="Workers this organisation blocked")
    async def blocked(
        self, conn: Connection, p: Principal, org_id: UUID, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[BlockedWorker]:
        rows = await directory.blocked_workers(conn, p, org_id)
        return page_of([BlockedWorker(r.organisation_id, r.worker_id, r.reason, at(r.created_at))
                        for r in rows], limit, cursor, lambda b: (b.created_at.isoformat(), str(b.worker_id)))

    @delete("/{org_id:uuid}/blocked-workers/{worker_id:uuid}", status_code=HTTP_204_NO_CONTENT,
            summary="Unblock a worker")
    async def unblock(self, conn: Connection, p: Principal, org_id: UUID, worker_id: UUID) -> None:
        await directory.unblock_worker(conn, p, org_id, worker_id)
