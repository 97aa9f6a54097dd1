"""The directory's shapes: organisations, members, invitations, sites, workers, rosters, partners, blocks."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, TypeVar
from uuid import UUID

import msgspec
from litestar import Response
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED

from api.wire import (
    Camel,
    Code,
    Email,
    EmployeeNumber,
    Ids,
    Instant,
    Latitude,
    Longitude,
    Minutes,
    Name,
    Out,
    Postcode,
    RoleName,
    SkillCode,
    Text,
    at,
)
from flexpool.db import invitations as invitations_db
from flexpool.db import organisations as orgs_db
from flexpool.db import workers as workers_db
from flexpool.domain.statements import InvoiceDetails
from flexpool.domain.vocabulary import (
    Cao,
    InvitationKind,
    InvitationStatus,
    OrganisationKind,
    Role,
)
from flexpool.services.directory import Invited


class OrganisationIn(Camel):
    name: Name
    kvk_number: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{8}$")] | None = None
    iban: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")] | None = None
    kind: OrganisationKind = OrganisationKind.VVT
    cao: Cao | None = None


class Organisation(InvoiceDetails, frozen=True, rename="camel", omit_defaults=True):
    """An organisation as the API shows it; its invoice details as statements name it (InvoiceDetails)."""

    id: UUID
    name: str
    kind: OrganisationKind | None = None
    cao: Cao | None = None
    waadi_registered: bool | None = None
    waadi_exempt: bool | None = None
    worker_cancel_window_minutes: int | None = None
    late_cancel_window_minutes: int | None = None
    late_cancellation_percent: int | None = None
    delegates_planning: bool | None = None


class MemberIn(Camel):
    email: Email
    name: Name
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=4)]


class Member(Out):
    id: UUID
    email: str
    name: str
    roles: list[Role]


class Invitation(Out):
    """Someone who already belongs to another organisation is invited: no rights until they accept."""
    id: UUID
    organisation_id: UUID
    organisation_name: str
    kind: InvitationKind
    roles: list[Role]
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None


INVITED = {202: ResponseSpec(Invitation, description="the account belongs to another organisation: the person is "
                                                     "invited and has no rights here until they accept")}


Done = TypeVar("Done")


def created_or_invited(result: Done | Invited, created: Callable[[Done], Out]) -> Response:
    """201 with what was created at once, or 202 with the invitation the person must accept first."""
    if isinstance(result, Invited):
        return Response(invitation_out(result.invitation), status_code=HTTP_202_ACCEPTED)
    return Response(created(result), status_code=HTTP_201_CREATED)


def invitation_out(i: invitations_db.Invitation) -> Invitation:
    return Invitation(i.id, i.organisation_id, i.organisation_name, i.kind, list(i.roles), i.status,
                      at(i.created_at), at(i.expires_at), at(i.decided_at))


class Erasure(Out):
    """What an erasure removed and what it kept, and why (the retention rules of the README)."""
    worker_id: UUID
    erased_at: datetime
    removed: list[str]
    kept: list[str]


class FavouritesIn(Camel):
    worker_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)]


class Favourite(Out):
    worker_id: UUID
    name: str
    home_organisation_id: UUID
    home_organisation_name: str
    in_pool: bool


class SiteIn(Camel):
    name: Name
    address: Text | None = None
    postcode: Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")] | None = None
    city: Text | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class Site(orgs_db.SiteFields, frozen=True, kw_only=True, rename="camel"):
    pass


class HomeIn(Camel):
    postcode: Postcode | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class CredentialIn(Camel):
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    number: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    valid_until: date | None = None


class PoolIn(Camel):
    opted_in: bool = False
    max_loan_minutes_per_month: Annotated[int, msgspec.Meta(ge=0, le=31 * 24 * 60)] | None = None
    excluded_organisation_ids: Ids = []


class PoolPatch(Camel):
    opted_in: bool | msgspec.UnsetType = msgspec.UNSET
    max_loan_minutes_per_month: Annotated[int, msgspec.Meta(ge=0, le=31 * 24 * 60)] | None | msgspec.UnsetType = msgspec.UNSET
    excluded_organisation_ids: Ids | msgspec.UnsetType = msgspec.UNSET


class StudentIn(Camel):
    """A student in the region's stage pool (BBL): the school, the level of study, and the function that must
    supervise them on a shift."""

    school: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    level: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    supervisor_function: Code


class Student(Out):
    school: str
    level: str
    supervisor_function: str


class WorkerIn(Camel, kw_only=True):
    email: Email
    name: Name
    employee_number: EmployeeNumber | None = None
    function: Code
    contract_minutes_per_week: Minutes
    date_of_birth: date | None = None
    home: HomeIn | None = None
    skills: Annotated[list[SkillCode], msgspec.Meta(max_length=50)] = []
    credentials: Annotated[list[CredentialIn], msgspec.Meta(max_length=50)] = []
    pool: PoolIn = msgspec.field(default_factory=PoolIn)
    student: StudentIn | None = None


class WorkerPatch(Camel):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    employee_number: EmployeeNumber | None | msgspec.UnsetType = msgspec.UNSET
    function: Code | msgspec.UnsetType = msgspec.UNSET
    contract_minutes_per_week: Minutes | msgspec.UnsetType = msgspec.UNSET
    date_of_birth: date | None | msgspec.UnsetType = msgspec.UNSET
    home: HomeIn | None | msgspec.UnsetType = msgspec.UNSET
    skills: Annotated[list[SkillCode], msgspec.Meta(max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    credentials: Annotated[list[CredentialIn], msgspec.Meta(max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    pool: PoolPatch | msgspec.UnsetType = msgspec.UNSET
    student: StudentIn | None | msgspec.UnsetType = msgspec.UNSET


class Home(Out):
    postcode: str | None
    latitude: float | None
    longitude: float | None


class Credential(Out):
    kind: str
    number: str | None
    valid_until: date | None


class Pool(Out):
    opted_in: bool  # the home employer's setting
    max_loan_minutes_per_month: int | None
    excluded_organisation_ids: list[UUID]
    in_pool: bool = False  # the employer allows it, the worker wants it, and the worker has not been ended


class Worker(Out):
    id: UUID
    user_id: UUID
    organisation_id: UUID
    email: str
    name: str
    function: Code
    skills: list[str]
    credentials: list[Credential]
    contract_minutes_per_week: int
    date_of_birth: date | None
    home: Home
    pool: Pool
    nights: bool
    max_travel_km: int | None
    ended_at: datetime | None = None
    employee_number: str | None = None
    student: Student | None = None


def worker_out(row: workers_db.Worker) -> Worker:
    return Worker(
        id=row.id, user_id=row.user_id, organisation_id=row.organisation_id, email=row.email,
        name=row.name, function=row.function, skills=list(row.skills),
        credentials=[Credential(c["kind"], c["number"], date.fromisoformat(c["validUntil"]) if c["validUntil"]
                                   else None) for c in row.credentials],
        contract_minutes_per_week=row.contract_minutes_per_week, date_of_birth=row.date_of_birth,
        home=Home(row.home_postcode, row.home_latitude, row.home_longitude),
        pool=Pool(row.employer_opt_in, row.max_loan_minutes_per_month, list(row.excluded_organisation_ids),
                  row.opted_in),
        nights=row.nights, max_travel_km=row.max_travel_km, ended_at=at(row.ended_at),
        employee_number=row.employee_number,
        student=Student(row.student_school, row.student_level or "", row.student_supervisor_function or "")
        if row.student_school else None)


class BlockIn(Camel):
    starts_at: Instant
    ends_at: Instant


class RosterIn(Camel):
    from_: Instant = msgspec.field(name="from")
    to: Instant
    blocks: Annotated[list[BlockIn], msgspec.Meta(max_length=2000)]


class Block(Out):
    starts_at: datetime
    ends_at: datetime


class Roster(Out):
    worker_id: UUID
    from_: datetime = msgspec.field(name="from")
    to: datetime
    blocks: list[Block]


class PartnersIn(Camel):
    organisation_ids: Annotated[list[UUID], msgspec.Meta(max_length=200)]


class Partners(Out):
    organisation_id: UUID
    organisation_ids: list[UUID]


class BlockedWorkerIn(Camel):
    worker_id: UUID
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class BlockedWorker(Out):
    organisation_id: UUID
    worker_id: UUID
    reason: str
    created_at: datetime


WindowMinutes = Annotated[int, msgspec.Meta(ge=0, le=20160, description="minutes before the start, at most 14 days")]


class OrganisationPatch(Camel):
    kvk_number: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{8}$")] | None | msgspec.UnsetType = msgspec.UNSET
    iban: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")] | None | msgspec.UnsetType = \
        msgspec.UNSET
    address: Text | None | msgspec.UnsetType = msgspec.UNSET
    postcode: Postcode | None | msgspec.UnsetType = msgspec.UNSET
    city: Text | None | msgspec.UnsetType = msgspec.UNSET
    vat_number: Annotated[str, msgspec.Meta(max_length=20, description="btw-identificatienummer, e.g. "
                                            "NL123456789B01")] | None | msgspec.UnsetType = msgspec.UNSET
    delegates_planning: Annotated[bool, msgspec.Meta(description="the region's planning desk may publish, assign, "
                                                     "cancel and confirm hours for this organisation")] | \
        msgspec.UnsetType = msgspec.UNSET
    cao: Cao | msgspec.UnsetType = msgspec.UNSET
    waadi_registered: bool | msgspec.UnsetType = msgspec.UNSET
    waadi_exempt: bool | msgspec.UnsetType = msgspec.UNSET
    # The cancellation policy for this organisation's own shifts (DOMAIN.md, Cancellation).
    worker_cancel_window_minutes: WindowMinutes | msgspec.UnsetType = msgspec.UNSET
    late_cancel_window_minutes: WindowMinutes | msgspec.UnsetType = msgspec.UNSET
    late_cancellation_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] | msgspec.UnsetType = msgspec.UNSET
