"""Use cases of the region's directory: organisations, members, sites, workers, rosters, partners."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec
from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.db.invitations import Invitation
from flexpool.db.organisations import BlockedWorker, Favourite, Organisation, Site
from flexpool.db.users import Member, User
from flexpool.db.workers import RosterBlock, Worker
from flexpool.domain import identifiers
from flexpool.domain import workers as worker_rules
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.directory import NewOrganisation, NewPerson, NewSite, OrganisationChange
from flexpool.domain.events import Event
from flexpool.domain.vocabulary import InvitationKind, ProblemType, Role
from flexpool.domain.workers import CredentialRecord, HomeRoster, NewWorker, WorkerChange, WorkerDetails
from flexpool.services import access, effects, identity, invitations
from flexpool.services.errors import Conflict, Invalid, NotFound
from flexpool.services.principal import Principal


async def create_organisation(conn: Connection, p: Principal, new: NewOrganisation) -> Organisation:
    region_id = p.require_coordinator()
    wrong = identifiers.problems(iban=new.iban, kvk=new.kvk_number)
    if wrong:
        raise Invalid(wrong)
    try:
        return await orgs_db.create(conn, region_id, name=new.name, kvk_number=new.kvk_number, iban=new.iban,
                                    kind=new.kind, cao=new.cao_in_effect)
    except asyncpg.UniqueViolationError:
        raise Invalid([("name", "an organisation with this name exists in the region")]) from None


async def list_organisations(conn: Connection, p: Principal) -> list[Organisation]:
    if p.region_id is None:
        return []
    return await orgs_db.list_in_region(conn, p.region_id)


async def organisation(conn: Connection, p: Principal, organisation_id: UUID) -> Organisation:
    row = await orgs_db.get(conn, organisation_id, p.region_id) if p.region_id else None
    if row is None:
        raise NotFound("organisation")
    return row


async def update_organisation(conn: Connection, p: Principal, organisation_id: UUID, change: OrganisationChange,
                              now: datetime) -> Organisation:
    """Every change is audited (what it was, what it became): the cancellation policy and the Waadi status
    decide what lenders are owed."""
    before = await access.organisation(conn, p, organisation_id, "orgAdmin", coordinator=True)
    change = change.normalised()
    wrong = change.problems()
    if wrong:
        raise Invalid(wrong)
    changes = change.changed_from(before)
    if changes:
        async with conn.transaction():
            try:
                await orgs_db.update(conn, organisation_id, changes)
            except asyncpg.CheckViolationError:
                raise Invalid([("waadiExempt", "an organisation is either registered under the Waadi or exempt, "
                                               "not both")]) from None
            await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="organisation",
                                             subject_id=organisation_id, action="settings-changed", actor=p.user_id, at=now,
                                             data={k: {"from": getattr(before, k), "to": v} for k, v in changes.items()},
                                             region_id=before.region_id))
    return await organisation(conn, p, organisation_id)


class MemberAdded(msgspec.Struct, frozen=True):
    """The roles were granted at once: the member as this organisation may know them."""

    user: User
    roles: list[Role]


class WorkerAdded(msgspec.Struct, frozen=True):
    worker: Worker


class Invited(msgspec.Struct, frozen=True):
    """The account belongs to another organisation: it is asked, and holds nothing here until it accepts."""

    invitation: Invitation


async def add_member(conn: Connection, p: Principal, organisation_id: UUID, new: NewPerson,
                     now: datetime) -> MemberAdded | Invited:
    """MemberAdded when the roles were granted at once; Invited when the account already belongs to another
    organisation and must consent first. Neither answer shows the name an existing account carries: an
    e-mail address must not tell another organisation who someone is."""
    org = await access.organisation(conn, p, organisation_id, "orgAdmin", coordinator=True)
    email, name, roles = new.email, new.name, [str(r) for r in new.roles]
    if "coordinator" in roles:
        raise Invalid([("roles", "coordinator is a region role; it cannot be given through an organisation")])
    async with conn.transaction():
        user, invite = await _person(conn, p, org, email, name)
        if invite:
            return Invited(await invitations.invite(conn, p, org, user.id, kind=InvitationKind.MEMBER, roles=roles,
                                                    worker=None, now=now))
        known_here = p.user_id == user.id or bool(await users_db.roles_at(conn, user.id, organisation_id))
        for role in roles:
            await users_db.grant(conn, user.id, org.region_id, organisation_id, role)
    # The name an account carries is told only to an organisation it already belongs to.
    return MemberAdded(user if known_here else msgspec.structs.replace(user, name=name),
                       sorted({Role(r) for r in roles}))


async def _person(conn: Connection, p: Principal, org: Organisation, email: str, name: str) -> tuple[User, bool]:
    """(user, needs an invitation): the account of this e-mail address, created when new. Someone of another
    region is refused (a user belongs to one region); someone of another organisation is invited."""
    user = await users_db.get_or_create(conn, email, name)
    if user.region_id is not None and user.region_id != org.region_id:
        raise identity.other_region()
    if user.id != p.user_id and await users_db.belongs_elsewhere(conn, user.id, org.id):
        return user, True
    await identity.join_region(conn, user.id, org.region_id)
    return user, False


STAFF_ROLES = ("orgAdmin", "planner", "finance")  # the worker role goes with the worker profile


async def remove_member(conn: Connection, p: Principal, organisation_id: UUID, user_id: UUID, roles: Sequence[str] | None,
                        now: datetime) -> list[str]:
    """Someone leaves a job (a planner moves on): their roles at this organisation end at once, since roles
    come from FlexPool's data, not the token. The last orgAdmin stays, or nobody could manage the
    organisation; the worker role ends with the worker profile, not here."""
    org = await access.organisation(conn, p, organisation_id, "orgAdmin", coordinator=True)
    roles = list(roles or STAFF_ROLES)
    async with conn.transaction():
        removed = await users_db.revoke(conn, user_id, organisation_id, roles)
        if not removed:
            raise NotFound("member")
        if "orgAdmin" in removed and not await users_db.count_role(conn, organisation_id, "orgAdmin"):
            raise Conflict(ProblemType.CONFLICT, "This is the organisation's last orgAdmin; add another one first.")
        await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="organisation",
                                         subject_id=organisation_id, action="member-removed", actor=p.user_id, at=now,
                                         data={"userId": str(user_id), "roles": removed}, region_id=org.region_id))
    return removed


async def members(conn: Connection, p: Principal, organisation_id: UUID) -> list[Member]:
    await access.organisation(conn, p, organisation_id, "orgAdmin", coordinator=True)
    return await users_db.members_of(conn, organisation_id)


async def add_site(conn: Connection, p: Principal, organisation_id: UUID, new: NewSite) -> Site:
    await access.organisation(conn, p, organisation_id, "orgAdmin", coordinator=True)
    try:
        return await orgs_db.create_site(conn, organisation_id, new)
    except asyncpg.UniqueViolationError:
        raise Invalid([("name", "a site with this name exists for this organisation")]) from None


async def sites(conn: Connection, p: Principal, organisation_id: UUID) -> list[Site]:
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner", "finance", coordinator=True)
    return await orgs_db.sites(conn, organisation_id)


def _validate_worker(details: WorkerDetails, credentials: list[CredentialRecord] | None) -> None:
    errors = worker_rules.problems(details, credentials, CATALOGUE)
    if errors:
        raise Invalid([(e.field, e.message) for e in errors])


async def _check_exclusions(conn: Connection, p: Principal, ids: list[UUID] | None) -> None:
    if not ids:
        return
    known = {o.id for o in await orgs_db.list_in_region(conn, p.region_id)} if p.region_id else set()
    bad = [(f"pool.excludedOrganisationIds[{i}]", "no such organisation in the region")
           for i, o in enumerate(ids) if o not in known]
    if bad:
        raise Invalid(bad)


async def create_worker(conn: Connection, p: Principal, organisation_id: UUID, new: NewWorker,
                        now: datetime) -> WorkerAdded | Invited:
    """WorkerAdded for a new pool worker; Invited when the account belongs to another organisation (it may
    already be a worker there): the person consents first, and the answer says nothing about who they are."""
    org = await access.organisation(conn, p, organisation_id, "orgAdmin")
    _validate_worker(new.details, new.credentials)
    await _check_exclusions(conn, p, new.excluded_organisation_ids)
    async with conn.transaction():
        user, invite = await _person(conn, p, org, new.email, new.name)
        if invite:
            payload = invitations.worker_payload(new.details, new.credentials, new.excluded_organisation_ids)
            return Invited(await invitations.invite(conn, p, org, user.id, kind=InvitationKind.WORKER, roles=[],
                                                    worker=payload, now=now))
        if await workers_db.by_user(conn, user.id) is not None:
            raise Invalid([("email", "this person is already a worker of this organisation")])
        worker_id = await make_worker(conn, user.id, org, new.details, new.credentials, new.excluded_organisation_ids)
    return WorkerAdded(await workers_db.known(conn, worker_id))


async def make_worker(conn: Connection, user_id: UUID, org: Organisation, details: WorkerDetails,
                      credentials: list[CredentialRecord], excluded: list[UUID]) -> UUID:
    """Inside a transaction: the worker profile, the worker role and what comes with them."""
    await users_db.join_region(conn, user_id, org.region_id)
    worker = await workers_db.insert(conn, user_id=user_id, organisation_id=org.id, region_id=org.region_id,
                                     fields=details.given())
    await users_db.grant(conn, user_id, org.region_id, org.id, "worker")
    await workers_db.replace_credentials(conn, worker.id, credentials)
    await workers_db.replace_exclusions(conn, worker.id, excluded)
    return worker.id


async def update_worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID,
                        change: WorkerChange) -> Worker:
    current = await access.worker(conn, p, organisation_id, worker_id, "orgAdmin")
    if current.ended_at is not None:
        raise Conflict(ProblemType.CONFLICT, "This worker has been ended; their profile no longer changes.")
    _validate_worker(change.details, change.credentials)
    await _check_exclusions(conn, p, change.excluded_organisation_ids)
    async with conn.transaction():
        await workers_db.update(conn, worker_id, change.details.given())
        if change.name is not None:
            await users_db.rename(conn, current.user_id, change.name)
        if change.credentials is not None:
            await workers_db.replace_credentials(conn, worker_id, change.credentials)
        if change.excluded_organisation_ids is not None:
            await workers_db.replace_exclusions(conn, worker_id, change.excluded_organisation_ids)
    return await workers_db.known(conn, worker_id)


async def worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID) -> Worker:
    return await access.worker(conn, p, organisation_id, worker_id, "orgAdmin", "planner")


async def workers(conn: Connection, p: Principal, organisation_id: UUID, *, after: tuple[str, UUID] | None = None,
                  limit: int = 50) -> list[Worker]:
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner")
    return await workers_db.list_for_organisation(conn, organisation_id, after=after, limit=limit)


async def replace_roster(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID,
                         roster: HomeRoster) -> list[RosterBlock]:
    await access.organisation(conn, p, organisation_id, "orgAdmin")
    errors = roster.problems()
    if errors:
        raise Invalid([(e.field, e.message) for e in errors])
    async with conn.transaction():
        number = await workers_db.lock(conn, worker_id)
        if number is None or not await workers_db.belongs_to(conn, worker_id, organisation_id):
            raise NotFound("worker")
        booked = await assignments_db.booked_overlapping(conn, worker_id, roster.blocks)
        if booked:
            raise Invalid([("blocks", "a block overlaps a shift this worker is booked on elsewhere; "
                                      "the worker or that shift's planner must cancel it first")])
        try:
            async with conn.transaction():
                await workers_db.replace_roster(conn, worker_id, number, roster)
        except asyncpg.ExclusionViolationError:
            raise Invalid([("blocks", "a block overlaps a secondment block of this worker; the secondment's "
                                      "roster is planned by the borrowing organisation")]) from None
    return await workers_db.roster(conn, worker_id, roster.starts, roster.ends)


async def roster(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID, lo: datetime,
                 hi: datetime) -> list[RosterBlock]:
    """The home employer's own roster of its worker; never shown to another organisation."""
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner")
    if hi <= lo:
        raise Invalid([("to", "must be after from")])
    if hi - lo > timedelta(days=366):
        raise Invalid([("to", "at most a year after from")])
    if not await workers_db.belongs_to(conn, worker_id, organisation_id):
        raise NotFound("worker")
    return await workers_db.roster(conn, worker_id, lo, hi)


async def set_partners(conn: Connection, p: Principal, organisation_id: UUID, partner_ids: list[UUID]) -> list[UUID]:
    await access.organisation(conn, p, organisation_id, "orgAdmin")
    known = {o.id for o in await orgs_db.list_in_region(conn, p.region_id)} if p.region_id else set()
    bad = [(f"organisationIds[{i}]", "no such organisation in the region" if o not in known else
            "an organisation cannot be its own partner") for i, o in enumerate(partner_ids)
           if o not in known or o == organisation_id]
    if bad:
        raise Invalid(bad)
    async with conn.transaction():
        await orgs_db.set_partners(conn, organisation_id, sorted(set(partner_ids)))
    return await orgs_db.partners(conn, organisation_id)


async def partners(conn: Connection, p: Principal, organisation_id: UUID) -> list[UUID]:
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner", coordinator=True)
    return await orgs_db.partners(conn, organisation_id)


async def set_favourites(conn: Connection, p: Principal, organisation_id: UUID, worker_ids: list[UUID],
                         now: datetime) -> list[Favourite]:
    """The organisation's first-wave audience besides its own workers: named pool workers of any organisation
    of the region (a favourite who is out of the pool is kept, and reached again once back in)."""
    org = await access.organisation(conn, p, organisation_id, "planner", "orgAdmin", delegated=True)
    known = await orgs_db.current_workers_in_region(conn, org.region_id, worker_ids)
    bad = [(f"workerIds[{i}]", "no such worker in the region") for i, w in enumerate(worker_ids) if w not in known]
    if bad:
        raise Invalid(bad)
    async with conn.transaction():
        await orgs_db.set_favourites(conn, organisation_id, sorted(set(worker_ids)), p.user_id)
        await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="organisation",
                                         subject_id=organisation_id, action="favourites-set", actor=p.user_id, at=now,
                                         data={"workers": len(set(worker_ids))}, region_id=org.region_id))
    return await orgs_db.favourites(conn, organisation_id)


async def favourites(conn: Connection, p: Principal, organisation_id: UUID) -> list[Favourite]:
    await access.organisation(conn, p, organisation_id, "planner", "orgAdmin", delegated=True)
    return await orgs_db.favourites(conn, organisation_id)


async def block_worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID,
                       reason: str) -> BlockedWorker:
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner")
    region_worker = await workers_db.in_region(conn, worker_id, p.region_id)
    if region_worker is None:
        raise NotFound("worker")
    return await orgs_db.block_worker(conn, organisation_id, worker_id, reason, p.user_id)


async def unblock_worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID) -> None:
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner")
    if not await orgs_db.unblock_worker(conn, organisation_id, worker_id):
        raise NotFound("blocked worker")


async def blocked_workers(conn: Connection, p: Principal, organisation_id: UUID) -> list[BlockedWorker]:
    await access.organisation(conn, p, organisation_id, "orgAdmin", "planner")
    return await orgs_db.blocked_workers(conn, organisation_id)

