"""JSON shapes of the directory endpoints: camelCase on the wire, validated by msgspec on the way in."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, overload
from uuid import UUID

import msgspec
from litestar.openapi import ResponseSpec

from api.input import Input
from flexpool.domain.clock import local
from flexpool.domain.policy import COUNT_RULES, MAX_MINUTES
from flexpool.domain.statements import InvoiceDetails
from flexpool.domain.vocabulary import (
    ApplicationStatus,
    AssignmentStatus,
    BookingMode,
    Cao,
    Digest,
    InvitationKind,
    InvitationStatus,
    Language,
    LineKind,
    NotificationKind,
    NotificationStatus,
    OrganisationKind,
    Platform,
    Role,
    SettleHours,
    ShiftStatus,
    Tier,
)
from flexpool.domain.worktime import Rules

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=200, description="free text, one line")]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=60, description="a code from the catalogue")]
Postcode = Annotated[str, msgspec.Meta(max_length=16)]
Ids = Annotated[list[UUID], msgspec.Meta(max_length=500)]
Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
RoleName = Literal["orgAdmin", "planner", "finance", "worker"]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Instant = Annotated[datetime, msgspec.Meta(tz=True, description="RFC 3339 with an offset")]


class Camel(Input):
    """A request body: closed, camelCase, its text normalised and its dates checked (api.input)."""


class Out(msgspec.Struct, rename="camel"):
    pass


@overload
def at(instant: datetime) -> datetime: ...
@overload
def at(instant: None) -> None: ...
def at(instant: datetime | None) -> datetime | None:
    """Answers use the region's local offset."""
    return local(instant) if instant is not None else None


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


def invitation_out(row) -> Invitation:
    return Invitation(row["id"], row["organisation_id"], row["organisation_name"], row["kind"], list(row["roles"]),
                      row["status"], at(row["created_at"]), at(row["expires_at"]), at(row["decided_at"]))


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


class RegionPlannerIn(Camel):
    email: Email
    name: Name


class BoardRow(Out):
    shift_id: UUID
    organisation_id: UUID
    organisation_name: str
    site_name: str
    function: str
    starts_at: datetime
    ends_at: datetime
    urgent: bool
    tier: Tier
    places_open: int
    minutes_to_start: int
    acceptable_by: int


class BalanceRow(Out):
    organisation_id: UUID
    name: str
    minutes_lent: int
    minutes_borrowed: int
    shifts_published: int
    shifts_filled_by_others: int
    late_cancellations_made: int
    late_cancellations_received: int
    no_shows_of_own_workers: int
    no_shows_at_own_shifts: int


class Balance(Out):
    from_: datetime = msgspec.field(name="from")
    to: datetime
    items: list[BalanceRow]
    next_cursor: str | None = None


class SiteIn(Camel):
    name: Name
    address: Text | None = None
    postcode: Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")] | None = None
    city: Text | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class Site(Out):
    id: UUID
    organisation_id: UUID
    name: str
    address: str | None
    postcode: str | None
    city: str | None
    latitude: float | None
    longitude: float | None


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


Minutes = Annotated[int, msgspec.Meta(ge=0, le=3600)]
SkillCode = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


EmployeeNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=40, description="the HR personnel number")]


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


class Home(Out):
    postcode: str | None
    latitude: float | None
    longitude: float | None


class CredentialOut(Out):
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
    credentials: list[CredentialOut]
    contract_minutes_per_week: int
    date_of_birth: date | None
    home: Home
    pool: Pool
    nights: bool
    max_travel_km: int | None
    ended_at: datetime | None = None
    employee_number: str | None = None


def worker_out(row) -> Worker:
    return Worker(
        id=row["id"], user_id=row["user_id"], organisation_id=row["organisation_id"], email=row["email"],
        name=row["name"], function=row["function"], skills=list(row["skills"]),
        credentials=[CredentialOut(c["kind"], c["number"], date.fromisoformat(c["validUntil"]) if c["validUntil"]
                                   else None) for c in row["credentials"]],
        contract_minutes_per_week=row["contract_minutes_per_week"], date_of_birth=row["date_of_birth"],
        home=Home(row["home_postcode"], row["home_latitude"], row["home_longitude"]),
        pool=Pool(row["employer_opt_in"], row["max_loan_minutes_per_month"], list(row["excluded_organisation_ids"]),
                  row["opted_in"]),
        nights=row["nights"], max_travel_km=row["max_travel_km"], ended_at=at(row["ended_at"]),
        employee_number=row["employee_number"])


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


ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local")]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class QuietHours(Camel):
    from_: ClockTime = msgspec.field(name="from")
    to: ClockTime


class AvailabilityIn(Camel):
    """A weekly window on the local clock; `to` at or before `from` runs past midnight, equal is all day."""

    day: Day
    from_: ClockTime = msgspec.field(name="from")
    to: ClockTime


class AvailabilityOut(Out):
    day: str
    from_: str = msgspec.field(name="from")
    to: str


class PreferencesIn(Camel):
    opted_in: bool | msgspec.UnsetType = msgspec.UNSET
    nights: bool | msgspec.UnsetType = msgspec.UNSET
    quiet_hours: QuietHours | None | msgspec.UnsetType = msgspec.UNSET
    digest: Digest | msgspec.UnsetType = msgspec.UNSET
    max_travel_km: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType = msgspec.UNSET
    # When extra shifts suit: waves notify only shifts inside a window (none: any time), and not beyond the
    # weekly cap of extra minutes. A wish, not a rule: a shift outside it can still be accepted.
    availability: Annotated[list[AvailabilityIn], msgspec.Meta(max_length=28)] | None | msgspec.UnsetType = \
        msgspec.UNSET
    max_extra_minutes_per_week: Annotated[int, msgspec.Meta(ge=0, le=10080)] | None | msgspec.UnsetType = \
        msgspec.UNSET


class QuietHoursOut(Out):
    from_: str = msgspec.field(name="from")
    to: str


class Preferences(Out):
    language: str
    digest: str
    quiet_hours: QuietHoursOut | None
    opted_in: bool | None
    nights: bool | None
    max_travel_km: int | None
    availability: list[AvailabilityOut] | None = None
    max_extra_minutes_per_week: int | None = None


class RoleOut(Out):
    role: Role
    organisation_id: UUID | None
    organisation_name: str | None
    region_id: UUID


class Me(Out):
    id: UUID
    email: str
    name: str
    roles: list[RoleOut]
    organisations: list[UUID]
    preferences: Preferences
    worker: Worker | None


class DeviceIn(Camel):
    platform: Platform


class Device(Out):
    token: str
    platform: str
    last_seen_at: datetime


# --- shifts, offers, assignments, applications -------------------------------------------------------------

class ShiftIn(Camel):
    site_id: UUID
    function: Code
    starts_at: Instant
    ends_at: Instant
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=720)]
    skills: Annotated[list[SkillCode], msgspec.Meta(max_length=50)] = []
    places: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    booking: BookingMode = BookingMode.INSTANT
    description: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    urgent: bool = False
    organisation_id: UUID | None = None


class ShiftBatchIn(Camel):
    shifts: Annotated[list[ShiftIn], msgspec.Meta(min_length=1, max_length=500)]


class Reason(Camel):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class OptionalReason(Camel):
    reason: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class AssignIn(Camel):
    worker_id: UUID


class SiteRef(Out):
    id: UUID
    name: str
    address: str | None
    city: str | None


class BlockerOut(Out):
    type: str
    detail: str


class AssignmentOut(Out):
    id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    organisation_id: UUID
    organisation_name: str
    home_organisation_id: UUID
    site: SiteRef
    function: Code
    status: AssignmentStatus
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    paid_minutes: int
    booked_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    late_cancellation: bool
    cancellable_until: datetime | None = msgspec.field(default=None)  # the worker may cancel until then


class ApplicationOut(Out):
    id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    worker_function: str
    status: ApplicationStatus
    created_at: datetime
    decided_at: datetime | None
    reason: str | None


class Shift(Out, omit_defaults=True):
    id: UUID
    organisation_id: UUID
    organisation_name: str
    site_id: UUID
    site: SiteRef
    function: Code
    skills: list[str]
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    paid_minutes: int
    places: int
    places_filled: int
    booking: BookingMode
    status: ShiftStatus
    tier: Tier
    urgent: bool
    published_at: datetime
    partners_at: datetime
    region_at: datetime
    description: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    assignments: list[AssignmentOut] | None = None
    applications: list[ApplicationOut] | None = None


class Offer(Out):
    shift: Shift
    can_accept: bool
    blockers: list[BlockerOut]
    within_availability: bool = True  # inside the worker's windows and weekly cap of extra minutes


class Candidate(Out):
    """A worker who passes every check of an accept for this shift now (all but the tier)."""

    worker_id: UUID
    name: str
    function: Code
    home_organisation_id: UUID
    home_organisation_name: str | None
    distance_km: int | None  # whole kilometres at best: never a finer location of a person
    within_availability: bool


class HistoryEvent(Out):
    id: int
    subject_type: str
    subject_id: UUID
    action: str
    actor_user_id: UUID | None
    actor_name: str | None
    reason: str | None
    data: dict
    at: datetime


class NotificationOut(Out):
    id: int
    kind: NotificationKind
    title: str
    body: str
    data: dict
    urgent: bool
    status: NotificationStatus
    created_at: datetime
    sent_at: datetime | None


# --- hours, tariffs, settlement ------------------------------------------------------------------------------

class TimesheetIn(Camel):
    started_at: Instant | None = None
    ended_at: Instant | None = None
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=720)] = 0
    no_show: bool = False


class Timesheet(Out):
    assignment_id: UUID
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    break_minutes: int
    no_show: bool
    worked_minutes: int
    auto: bool
    confirmed_at: datetime


class TimesheetRow(Out):
    """One booked assignment that has started, with its hours as confirmed (or null while unconfirmed)."""

    assignment_id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    home_organisation_id: UUID
    home_organisation_name: str
    site_name: str
    function: Code
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    status: Literal["unconfirmed", "confirmed"]
    auto_confirm_at: datetime | None
    timesheet: Timesheet | None


class VatExemptionIn(Camel):
    basis: Annotated[str, msgspec.Meta(min_length=10, max_length=1000)]
    code: Annotated[str, msgspec.Meta(pattern=r"^VATEX-[A-Z0-9-]{2,30}$", description="the VATEX code of the "
                                      "exemption (EN 16931 BT-121), e.g. VATEX-EU-132-1G")] | None = None
    lender_id: UUID | None = None
    borrower_id: UUID | None = None


class VatIn(Camel):
    percent: Annotated[int, msgspec.Meta(ge=0, le=100)] = 21
    exemptions: Annotated[list[VatExemptionIn], msgspec.Meta(max_length=500)] = []


Cents = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class OrtBandIn(Camel):
    """`percent` on top of the tariff for the minutes in [startHour, endHour) of that kind of day."""

    day: Literal["weekday", "friday", "saturday", "sunday", "holiday", "dec24-31"]
    start_hour: Annotated[int, msgspec.Meta(ge=0, le=23)]
    end_hour: Annotated[int, msgspec.Meta(ge=1, le=24)]
    percent: Annotated[int, msgspec.Meta(ge=0, le=200)]
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


FunctionPrices = Annotated[dict[Code, Cents], msgspec.Meta(max_length=100)]


class TariffsIn(Camel):
    functions: FunctionPrices
    vat: VatIn = msgspec.field(default_factory=VatIn)
    # The CAO tables this region replaces, each whole; left out: the CAO's default bands (DOMAIN.md).
    ort: Annotated[dict[Cao, Annotated[list[OrtBandIn], msgspec.Meta(max_length=50)]],
                   msgspec.Meta(max_length=3)] | None = None


class OrganisationTariffsIn(Camel):
    functions: FunctionPrices


class VatExemption(Out):
    lender_id: UUID | None
    borrower_id: UUID | None
    basis: str
    code: str | None = None


class VatOut(Out):
    percent: int
    exemptions: list[VatExemption]


class OrtBandOut(Out):
    day: str
    start_hour: int
    end_hour: int
    percent: int
    label: str


class Tariffs(Out):
    functions: dict[str, int]
    ort: dict[str, list[OrtBandOut]]
    vat: VatOut


class OrganisationTariffs(Out):
    organisation_id: UUID
    functions: dict[str, int]


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


class PositionOut(Out):
    organisation_id: UUID
    receivable_cents: int
    payable_cents: int
    net_cents: int


class TransferOut(Out):
    from_organisation_id: UUID
    to_organisation_id: UUID
    amount_cents: int


class Settlement(Out):
    month: str
    status: str
    positions: list[PositionOut]
    transfers: list[TransferOut]


class StatementSummary(Out):
    id: UUID
    month: str
    lender_organisation_id: UUID
    lender_name: str
    borrower_organisation_id: UUID
    borrower_name: str
    minutes: int
    amount_cents: int
    vat_cents: int
    total_cents: int
    line_count: int
    vat_category: str
    vat_percent: int
    vat_exemption_reason: str | None
    waadi: str


class StatementLineOut(Out):
    id: UUID
    position: int
    kind: LineKind
    work_date: date
    worker_name: str
    site_name: str
    function: Code
    planned_minutes: int
    worked_minutes: int
    minutes: int
    tariff_cents: int
    base_cents: int
    ort_cents: int
    ort: list[dict]
    amount_cents: int
    assignment_id: UUID | None
    corrects_line_id: UUID | None


class StatementOut(StatementSummary):
    lines: list[StatementLineOut]


class FillRate(Out):
    published: int
    filled: int
    cancelled: int
    fill_rate: float | None
    median_minutes_to_fill: int | None


class LoanRow(Out):
    organisation_id: UUID
    name: str
    minutes_lent: int
    minutes_borrowed: int


class LoansReport(Out):
    month: str
    items: list[LoanRow]
    next_cursor: str | None = None


class CalendarLink(Out):
    url: str


class DeadLetter(Out):
    id: int
    user_id: UUID
    kind: NotificationKind
    status: NotificationStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    data: dict


def worktime_field(rule: str) -> str:
    """The wire name (before camelCase) of a working-time rule: durations carry `_minutes`."""
    return rule if rule in COUNT_RULES else f"{rule}_minutes"


WorktimeSettings = msgspec.defstruct(
    "WorktimeSettings",
    [(worktime_field(rule), Annotated[int, msgspec.Meta(ge=1, le=100 if rule in COUNT_RULES else MAX_MINUTES)] | None,
      None) for rule in Rules.__struct_fields__],
    bases=(Camel,), kw_only=True)
WorktimeSettings.__doc__ = ("Working-time limits of the region, durations in minutes; a missing field is the "
                            "default of DOMAIN.md (e.g. maxShiftMinutes 720, restMinutes 660).")


class WaveRow(Camel):
    """Shifts published more than `leadMoreThanMinutes` before their start stay with the own organisation for
    `organisationMinutes`, then with the partners for `partnersMinutes`, then go to the region."""

    lead_more_than_minutes: Annotated[int, msgspec.Meta(ge=1, le=365 * 24 * 60)]
    organisation_minutes: Annotated[int, msgspec.Meta(ge=0, le=90 * 24 * 60)]
    partners_minutes: Annotated[int, msgspec.Meta(ge=0, le=90 * 24 * 60)]


class RegionSettings(Camel):
    """PUT replaces the region's settings: what is left out goes back to the default."""

    worktime: WorktimeSettings | None = None  # type: ignore[valid-type]
    waves: Annotated[list[WaveRow], msgspec.Meta(max_length=10)] | None = None
    settle_hours: SettleHours = SettleHours.ABSOLUTE


class Region(Out):
    id: UUID
    name: str
    settings: RegionSettings
