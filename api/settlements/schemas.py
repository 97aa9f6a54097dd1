"""Tariffs, VAT, statements, positions and the reports of the exchange."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.wire import Camel, Code, Out
from flexpool.db import assignments as assignments_db
from flexpool.db.students import StudentHours
from flexpool.domain.vocabulary import (
    Cao,
    LineKind,
)


class BalanceRow(assignments_db.Balance, frozen=True, kw_only=True):
    """One organisation's row of the balance report (the read model, as the wire names it)."""


class Balance(Out):
    from_: datetime = msgspec.field(name="from")
    to: datetime
    items: list[BalanceRow]
    next_cursor: str | None = None


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


class Vat(Out):
    percent: int
    exemptions: list[VatExemption]


class OrtBand(Out):
    day: str
    start_hour: int
    end_hour: int
    percent: int
    label: str


class Tariffs(Out):
    functions: dict[str, int]
    ort: dict[str, list[OrtBand]]
    vat: Vat


class OrganisationTariffs(Out):
    organisation_id: UUID
    functions: dict[str, int]


class Position(Out):
    organisation_id: UUID
    receivable_cents: int
    payable_cents: int
    net_cents: int


class Transfer(Out):
    from_organisation_id: UUID
    to_organisation_id: UUID
    amount_cents: int


class Settlement(Out):
    month: str
    status: str
    positions: list[Position]
    transfers: list[Transfer]


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


class StatementLine(Out):
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
    roster_block_id: UUID | None = None  # a secondment line: the rostered block it settles
    secondment_id: UUID | None = None


class Statement(StatementSummary):
    lines: list[StatementLine]


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


class StudentRow(StudentHours, frozen=True, kw_only=True):
    """One student's work at one organisation in the month (booked shifts, no-shows left out); `minutes` as
    confirmed, else as planned."""


class StudentsReport(Out):
    month: str
    items: list[StudentRow]
    next_cursor: str | None = None


class LoansReport(Out):
    month: str
    items: list[LoanRow]
    next_cursor: str | None = None
