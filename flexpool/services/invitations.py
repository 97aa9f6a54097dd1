"""Membership with consent: someone who already belongs to another organisation is invited, never added.

An organisation that types an e-mail address learns nothing about the person behind it (no name, no
employer); the person sees the invitation in `GET /v1/me/invitations` and accepts or declines it. Until
then the invitation gives no rights at all. Invitations expire after 14 days.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import invitations as invitations_db
from flexpool.db import organisations as orgs_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.db.invitations import Invitation
from flexpool.db.organisations import Organisation
from flexpool.domain.events import Event
from flexpool.domain.vocabulary import InvitationKind, InvitationStatus, ProblemType
from flexpool.domain.workers import CredentialRecord, WorkerDetails
from flexpool.services import access, directory, effects, identity
from flexpool.services.errors import Conflict, NotFound
from flexpool.services.principal import Principal

VALID_FOR = timedelta(days=14)


def worker_payload(details: WorkerDetails, credentials: list[CredentialRecord], excluded: list[UUID]) -> dict:
    """The worker profile the home employer typed, kept with the invitation until the person accepts."""
    return {"fields": msgspec.to_builtins(details), "credentials": msgspec.to_builtins(credentials),
            "excluded": [str(o) for o in excluded]}


def _from_payload(payload: dict) -> tuple[WorkerDetails, list[CredentialRecord], list[UUID]]:
    return (msgspec.convert(payload["fields"], WorkerDetails),
            msgspec.convert(payload["credentials"], list[CredentialRecord]),
            [UUID(o) for o in payload["excluded"]])


async def invite(conn: Connection, p: Principal, org: Organisation, user_id: UUID, *, kind: InvitationKind, roles: list[str],
                 worker: dict | None, now: datetime) -> Invitation:
    """Inside the caller's transaction: a pending invitation (renewed if one is pending), audited."""
    invitation_id = await invitations_db.upsert_pending(
        conn, region_id=org.region_id, organisation_id=org.id, user_id=user_id, kind=kind,
        roles=sorted(set(roles)), worker=worker, invited_by=p.user_id, now=now, expires_at=now + VALID_FOR)
    await effects.record(conn, Event(organisation_id=org.id, shift_id=None, subject_type="invitation",
                                     subject_id=invitation_id, action="invited", actor=p.user_id, at=now,
                                     data={"kind": kind, "roles": sorted(set(roles))}))
    return await _invitation(conn, invitation_id)


async def _invitation(conn: Connection, invitation_id: UUID) -> Invitation:
    row = await invitations_db.get(conn, invitation_id)
    if row is None:
        raise NotFound("invitation")
    return row


async def mine(conn: Connection, p: Principal, now: datetime) -> list[Invitation]:
    return await invitations_db.pending_for_user(conn, p.user_id, now)


async def organisation_invitations(conn: Connection, p: Principal, organisation_id: UUID) -> list[Invitation]:
    await access.organisation(conn, p, organisation_id, "orgAdmin", coordinator=True)
    return await invitations_db.for_organisation(conn, organisation_id)


async def _own_pending(conn: Connection, p: Principal, invitation_id: UUID, now: datetime) -> Invitation:
    row = await invitations_db.lock(conn, invitation_id)
    if row is None or row.user_id != p.user_id:
        raise NotFound("invitation")
    if row.status != InvitationStatus.PENDING:
        raise Conflict(ProblemType.CONFLICT, f"This invitation was already {row.status}.")
    if row.expires_at <= now:
        raise Conflict(ProblemType.CONFLICT, "This invitation has expired; ask the organisation to invite you again.")
    return row


async def accept(conn: Connection, p: Principal, invitation_id: UUID, now: datetime) -> Invitation:
    async with conn.transaction():
        row = await _own_pending(conn, p, invitation_id, now)
        await identity.join_region(conn, p.user_id, row.region_id)
        org = await orgs_db.known(conn, row.organisation_id)
        if row.kind == InvitationKind.WORKER:
            if await workers_db.by_user(conn, p.user_id) is not None:
                raise Conflict(ProblemType.CONFLICT, "You are a pool worker of another organisation. Ask that employer "
                                                     "to end your worker profile first; then accept this invitation.")
            assert row.worker is not None, "a worker invitation carries the profile to create"
            fields, credentials, excluded = _from_payload(row.worker)
            await directory.make_worker(conn, p.user_id, org, fields, credentials, excluded)
        for role in row.roles:
            await users_db.grant(conn, p.user_id, row.region_id, row.organisation_id, role)
        await invitations_db.decide(conn, invitation_id, InvitationStatus.ACCEPTED, now)
        await effects.record(conn, Event(organisation_id=row.organisation_id, shift_id=None, subject_type="invitation",
                                         subject_id=invitation_id, action="accepted", actor=p.user_id, at=now))
    return await _invitation(conn, invitation_id)


async def decline(conn: Connection, p: Principal, invitation_id: UUID, now: datetime) -> Invitation:
    async with conn.transaction():
        row = await _own_pending(conn, p, invitation_id, now)
        await invitations_db.decide(conn, invitation_id, InvitationStatus.DECLINED, now)
        await effects.record(conn, Event(organisation_id=row.organisation_id, shift_id=None, subject_type="invitation",
                                         subject_id=invitation_id, action="declined", actor=p.user_id, at=now))
    return await _invitation(conn, invitation_id)
