"""Monthly settlement: statements per lender and borrower, positions, transfers; closing a month.

An open month is computed from the assignments and timesheets each time it is read, so it always agrees
with the hours. Closing freezes it into rows that never change; a later change to a closed month's hours
becomes a correction line (+ or −) in the next open month, naming the original line.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import organisations as orgs_db
from flexpool.db import settlement as settlement_db
from flexpool.db import tariffs as tariffs_db
from flexpool.db import timesheets as timesheets_db
from flexpool.db.organisations import Organisation
from flexpool.db.settlement import FrozenStatement, FrozenWorkLine, Seconded, Worked
from flexpool.db.tariffs import VatExemption
from flexpool.domain import settlement as money
from flexpool.domain.clock import local, minutes_between, month_instants, previous_month, wall_minutes
from flexpool.domain.settlement import OrtPart, Vat
from flexpool.domain.statements import Line, Party, Statement, build, line_id, waadi_text
from flexpool.domain.tariffs import DEFAULT_TARIFFS, deduct_break_minutes, ort_minutes, ort_tables
from flexpool.domain.vocabulary import LineKind, ProblemType
from flexpool.services import hours, regions
from flexpool.services.errors import Conflict, Forbidden, NotFound
from flexpool.services.principal import Principal


class MonthBook(msgspec.Struct, frozen=True):
    month: date
    status: str
    statements: list[Statement]
    positions: list[money.Position]
    transfers: list[money.Transfer]


class Pricing:
    """Tariffs, VAT and Waadi as they apply to a region, loaded once per computation."""

    def __init__(self, table: dict[str, int], overrides: dict[UUID, dict[str, int]], exemptions: list[VatExemption],
                 orgs: dict[UUID, Organisation], clock_face: bool = False,
                 ort: dict[str, list[dict[str, Any]]] | None = None, vat_percent: int = 21):
        self.vat_percent = vat_percent
        self.table = table
        self.overrides = overrides
        self.exemptions = exemptions
        self.orgs = orgs
        self.clock_face = clock_face
        self.ort = ort_tables(ort)
        self._amounts: dict[tuple[int, int, datetime, datetime, int, str], money.LineAmount] = {}

    @classmethod
    async def load(cls, conn: Connection, region_id: UUID) -> Pricing:
        row = await tariffs_db.region_table(conn, region_id)
        table = dict(DEFAULT_TARIFFS)
        vat_percent = 21
        if row:
            table.update(row.functions)
            vat_percent = row.vat_percent
        orgs = {o.id: o for o in await orgs_db.list_in_region(conn, region_id)}
        pricing = cls(table, await tariffs_db.overrides(conn, region_id),
                      await tariffs_db.vat_exemptions(conn, region_id), orgs,
                      (await regions.policy(conn, region_id)).settle_clock_face, row.ort if row else None,
                      vat_percent)
        return pricing

    def work_amount(self, tariff: int, worked: int, started: datetime, ended: datetime, break_minutes: int,
                    cao: str) -> money.LineAmount:
        """A work line's money: ORT bands of the CAO minus the break, at the tariff. Pure in its arguments, so
        remembered for the computation: a month repeats the same shift times (07:00–15:00 every day, across
        hundreds of workers) and each is worked out once."""
        key = (tariff, worked, started, ended, break_minutes, cao)
        amount = self._amounts.get(key)
        if amount is None:
            span = wall_minutes if self.clock_face else minutes_between
            ort = deduct_break_minutes(span(started, ended), ort_minutes(started, ended, cao, self.clock_face,
                                                                         self.ort), break_minutes)
            amount = self._amounts[key] = money.work_line(tariff, worked, ort)
        return amount

    def tariff(self, lender_id: UUID, function: str) -> int:
        return int(self.overrides.get(lender_id, {}).get(function, self.table.get(function, 0)))

    def vat(self, lender_id: UUID, borrower_id: UUID) -> Vat:
        pair = next((e for e in self.exemptions if e.lender_id == lender_id and e.borrower_id == borrower_id), None)
        region = next((e for e in self.exemptions if e.lender_id is None), None)
        chosen = pair or region
        if chosen:
            return Vat("E", 0, chosen.basis, chosen.code)
        return Vat("S", self.vat_percent)

    def party(self, org_id: UUID) -> Party:
        o = self.orgs[org_id]
        return Party(id=str(o.id), name=o.name, kvk_number=o.kvk_number, iban=o.iban, vat_number=o.vat_number,
                     address=o.address, postcode=o.postcode, city=o.city)

    def waadi(self, lender_id: UUID) -> str:
        o = self.orgs[lender_id]
        return waadi_text(o.waadi_registered, o.waadi_exempt, o.kvk_number)


def line_for(row: Worked, pricing: Pricing, tariff: int | None = None) -> Line | None:
    """The line of one assignment as its hours stand now; None when nothing is owed. Minutes are absolute
    time, or clock-face time when the region settles that."""
    if tariff is None:
        tariff = pricing.tariff(row.lender_id, row.function)
    span = wall_minutes if pricing.clock_face else minutes_between
    planned = span(row.starts_at, row.ends_at) - row.break_minutes
    def line(kind: LineKind, worked: int, base_cents: int, ort: tuple[OrtPart, ...], amount_cents: int,
             late_percent: int | None = None) -> Line:
        return Line(id=str(line_id(kind, row.assignment_id)), kind=kind, work_date=local(row.starts_at).date(),
                    worker_name=row.worker_name, site_name=row.site_name, function=row.function,
                    planned_minutes=planned, worked_minutes=worked, tariff_cents=tariff, base_cents=base_cents, ort=ort,
                    amount_cents=amount_cents, assignment_id=str(row.assignment_id), late_percent=late_percent)

    if row.status == "cancelled":
        percent = row.late_cancellation_percent if row.late_cancellation_percent is not None else 50
        amount = money.late_cancellation_line(tariff, planned, percent)
        return line(LineKind.LATE_CANCELLATION, 0, amount, (), amount, percent)
    if row.worked_minutes is None:  # not confirmed yet: as planned, which is what it becomes without action
        started, ended, brk, worked = row.starts_at, row.ends_at, row.break_minutes, planned
    elif row.no_show or not row.worked_minutes or row.started_at is None or row.ended_at is None:
        return None
    else:
        started, ended, brk = row.started_at, row.ended_at, row.worked_break or 0
        worked = span(started, ended) - brk if pricing.clock_face else row.worked_minutes
    money_of = pricing.work_amount(tariff, worked, started, ended, brk, row.borrower_cao)
    return line(LineKind.WORK, worked, money_of.base_cents, money_of.ort, money_of.amount_cents)


def secondment_line(row: Seconded, pricing: Pricing) -> Line:
    """The line of one secondment roster block: settled as rostered, at the lender's tariff for the
    secondment's function, with the ORT of the borrower's CAO (as for a worked shift)."""
    tariff = pricing.tariff(row.lender_id, row.function)
    span = wall_minutes if pricing.clock_face else minutes_between
    worked = span(row.starts_at, row.ends_at) - row.break_minutes
    money_of = pricing.work_amount(tariff, worked, row.starts_at, row.ends_at, row.break_minutes,
                                   row.borrower_cao)
    return Line(id=str(line_id(LineKind.SECONDMENT, row.block_id)), kind=LineKind.SECONDMENT,
                work_date=local(row.starts_at).date(), worker_name=row.worker_name, site_name=row.site_name,
                function=row.function, planned_minutes=worked, worked_minutes=worked, tariff_cents=tariff,
                base_cents=money_of.base_cents, ort=money_of.ort, amount_cents=money_of.amount_cents,
                roster_block_id=str(row.block_id), secondment_id=str(row.secondment_id))


def correction_for(original: FrozenWorkLine, current: Line | None, month: date) -> Line | None:
    """The difference between what a frozen line (plus its frozen corrections) says and what is owed now."""
    owed = current.amount_cents if current else 0
    minutes = current.worked_minutes if current else 0
    diff = owed - (original.amount_cents + original.corrected_cents)
    diff_minutes = minutes - (original.worked_minutes + original.corrected_minutes)
    if diff == 0 and diff_minutes == 0:
        return None
    source = current
    return Line(id=str(line_id(LineKind.CORRECTION, original.id, month)), kind=LineKind.CORRECTION,
                work_date=source.work_date if source else original.month, worker_name=source.worker_name if source
                else "", site_name=source.site_name if source else "", function=source.function if source else "",
                planned_minutes=source.planned_minutes if source else 0, worked_minutes=diff_minutes,
                tariff_cents=source.tariff_cents if source else 0, base_cents=diff, ort=(), amount_cents=diff,
                assignment_id=str(original.assignment_id), corrects_line_id=str(original.id))


async def _open_statements(conn: Connection, region_id: UUID, month: date, closed: set[date],
                           pricing: Pricing) -> list[Statement]:
    lo, hi = month_instants(month)
    lines: dict[tuple, list[Line]] = defaultdict(list)
    for row in await settlement_db.month_assignments(conn, region_id, lo, hi):
        line = line_for(row, pricing)
        if line is not None:
            lines[(row.lender_id, row.borrower_id)].append(line)
    for block in await settlement_db.month_secondment_blocks(conn, region_id, lo, hi):
        lines[(block.lender_id, block.borrower_id)].append(secondment_line(block, pricing))
    # Corrections of a closed month land in the first open month after it: here, for the closed months
    # right before this one.
    sources, previous = [], previous_month(month)
    while previous in closed:
        sources.append(previous)
        previous = previous_month(previous)
    due_here = await settlement_db.frozen_work_lines_of(conn, region_id, sources) if sources else []
    if due_here:
        current = {r.assignment_id: r for r in await settlement_db.assignments_by_id(
            conn, [f.assignment_id for f in due_here])}
        for f in due_here:
            now = current.get(f.assignment_id)
            # At the tariff the line was frozen with: a later tariff change is not a change of hours.
            now_line = line_for(now, pricing, f.tariff_cents) if now is not None and now.status == "booked" \
                else None
            fix = correction_for(f, now_line, month)
            if fix is not None:
                lines[(f.lender_id, f.borrower_id)].append(fix)
    return [build(region_id, month, pricing.party(lender), pricing.party(borrower), pricing.vat(lender, borrower),
                  pricing.waadi(lender), pair_lines) for (lender, borrower), pair_lines in sorted(lines.items())]


def _frozen(region_id: UUID, month: date, rows: list[FrozenStatement], by_statement: dict[UUID, list[Line]],
            pricing: Pricing) -> list[Statement]:
    out = []
    for s in rows:
        vat = Vat(s.vat_category, s.vat_percent, s.vat_reason, s.vat_reason_code)
        out.append(Statement(id=str(s.id), month=month, lender=pricing.party(s.lender_id),
                             borrower=pricing.party(s.borrower_id), vat=vat, waadi=s.waadi,
                             lines=tuple(by_statement[s.id]),
                             totals=money.StatementTotals(s.minutes, s.amount_cents, s.vat_cents,
                                                          s.total_cents, s.line_count),
                             issued_on=local(s.closed_at).date()))
    return out


async def month_book(conn: Connection, region_id: UUID, month: date) -> MonthBook:
    closed = await settlement_db.closed_months(conn, region_id)
    pricing = await Pricing.load(conn, region_id)
    if month in closed:
        rows = await settlement_db.frozen_statements(conn, region_id, month)
        statements = _frozen(region_id, month, rows, await settlement_db.frozen_lines(conn, [r.id for r in rows]),
                             pricing)
    else:
        statements = await _open_statements(conn, region_id, month, closed, pricing)
    statements = sorted(statements, key=lambda st: (st.lender.name, st.borrower.name, st.id))
    positions = money.positions([(st.lender.id, st.borrower.id, st.totals.total_cents) for st in statements],
                                [str(o) for o in pricing.orgs])
    transfers = money.transfers({p.organisation_id: p.net_cents for p in positions})
    return MonthBook(month, "closed" if month in closed else "open", statements, positions, transfers)


def _visible_organisations(p: Principal) -> set[str] | None:
    """None: everything (coordinator); else the organisations whose finance the caller does."""
    if p.is_coordinator:
        return None
    orgs = {str(o) for o in p.organisations("finance")}
    if not orgs:
        raise Forbidden("Settlements are for finance and the coordinator.")
    return orgs



async def settlement(conn: Connection, p: Principal, month: date) -> MonthBook:
    visible = _visible_organisations(p)
    book = await month_book(conn, p.require_region(), month)
    if visible is None:
        return book
    return MonthBook(book.month, book.status,
                     [s for s in book.statements if s.lender.id in visible or s.borrower.id in visible],
                     [x for x in book.positions if x.organisation_id in visible],
                     [t for t in book.transfers if t.from_organisation_id in visible or t.to_organisation_id in visible])


async def statement(conn: Connection, p: Principal, month: date, statement_uuid: UUID) -> Statement:
    book = await settlement(conn, p, month)
    found = next((s for s in book.statements if s.id == str(statement_uuid)), None)
    if found is None:
        raise NotFound("statement")
    return found


async def close(conn: Connection, p: Principal, month: date, now: datetime) -> MonthBook:
    region = p.require_coordinator()
    lo, hi = month_instants(month)
    if hi > now:
        raise Conflict(ProblemType.MONTH_NOT_OVER, f"{month:%Y-%m} is not over yet; it can be closed from {local(hi):%d-%m-%Y}.")
    async with conn.transaction():
        await settlement_db.lock_closing(conn, region)
        if month in await settlement_db.closed_months(conn, region):
            raise Conflict(ProblemType.MONTH_CLOSED, f"{month:%Y-%m} is already closed.")
        await hours.auto_confirm(conn, now)
        waiting = await timesheets_db.unconfirmed_loans(conn, region, lo, hi)
        if waiting:
            raise Conflict(ProblemType.HOURS_UNCONFIRMED, f"{waiting} timesheet(s) of {month:%Y-%m} still await confirmation "
                                                f"by the planners (or 72 hours after the shift).")
        book = await month_book(conn, region, month)
        await settlement_db.freeze(conn, region, month, p.user_id, now, book.statements)
    return await month_book(conn, region, month)

