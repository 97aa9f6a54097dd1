"""The statement (verrekenoverzicht) as plain values: one month, one lender, one borrower, its lines."""
from __future__ import annotations

import uuid
from datetime import date

import msgspec

from flexpool.domain.directory import PostalAddress
from flexpool.domain.settlement import OrtPart, StatementTotals, Vat, totals
from flexpool.domain.vocabulary import LineKind

NAMESPACE = uuid.UUID("6f1c1d0e-4a52-4a41-9d3c-0f1e3b7a5c21")


def statement_id(region_id: object, month: date, lender_id: object, borrower_id: object) -> uuid.UUID:
    """Stable across reads of an open month and after closing, so links keep working."""
    return uuid.uuid5(NAMESPACE, f"statement:{region_id}:{month:%Y-%m}:{lender_id}:{borrower_id}")


def line_id(kind: LineKind | str, subject: object, month: date | None = None) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"line:{kind}:{subject}:{month:%Y-%m}" if month else f"line:{kind}:{subject}")


class InvoiceDetails(PostalAddress, frozen=True, kw_only=True, rename="camel"):
    """What an e-invoice needs to name an organisation: its registrations, bank account and address."""

    kvk_number: str | None = None
    iban: str | None = None
    vat_number: str | None = None


class Party(InvoiceDetails, frozen=True, rename="camel"):
    id: str
    name: str


class Line(msgspec.Struct, frozen=True, rename="camel"):
    id: str
    kind: LineKind
    work_date: date
    worker_name: str
    site_name: str
    function: str
    planned_minutes: int
    worked_minutes: int
    tariff_cents: int
    base_cents: int
    ort: tuple[OrtPart, ...]
    amount_cents: int
    assignment_id: str | None = None
    corrects_line_id: str | None = None
    position: int = 0
    late_percent: int | None = None  # a late cancellation: the share of the planned hours charged
    roster_block_id: str | None = None  # a secondment line: the rostered block it settles
    secondment_id: str | None = None

    @property
    def minutes(self) -> int:
        return self.worked_minutes

    @property
    def ort_cents(self) -> int:
        return sum(p.amount_cents for p in self.ort)


class Statement(msgspec.Struct, frozen=True):
    id: str
    month: date
    lender: Party
    borrower: Party
    vat: Vat
    waadi: str
    lines: tuple[Line, ...]
    totals: StatementTotals
    issued_on: date | None = None  # the closing day of the month; None while the month is open


def build(region_id: object, month: date, lender: Party, borrower: Party, vat: Vat, waadi: str,
          lines: list[Line]) -> Statement:
    ordered = sorted(lines, key=lambda line: (line.work_date, line.kind != "work", line.worker_name, line.id))
    numbered = tuple(msgspec.structs.replace(line, position=i + 1) for i, line in enumerate(ordered))
    return Statement(id=str(statement_id(region_id, month, lender.id, borrower.id)), month=month, lender=lender,
                     borrower=borrower, vat=vat, waadi=waadi, lines=numbered,
                     totals=totals([(line.worked_minutes, line.amount_cents) for line in numbered], vat))


def waadi_text(registered: bool, exempt: bool, kvk: str | None) -> str:
    if exempt:
        return "Uitlening als hulp zonder winstoogmerk; vrijgesteld van Waadi-registratie (Waadi art. 1)."
    if registered:
        return f"Uitlener geregistreerd in het Handelsregister als uitlener (Waadi art. 7a), KvK {kvk or 'onbekend'}."
    return "Waadi-registratie van de uitlener is niet vastgelegd."
