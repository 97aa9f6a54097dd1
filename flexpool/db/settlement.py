"""Reading what settlement needs and writing closed months (frozen statements and lines)."""
from __future__ import annotations

import json
import zlib
from collections import defaultdict
from datetime import date, datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import in_order, many
from flexpool.domain.settlement import OrtPart
from flexpool.domain.statements import Line, Statement
from flexpool.domain.vocabulary import LineKind


class Worked(msgspec.Struct, frozen=True):
    """A loan as settlement reads it: the assignment as planned, its timesheet when confirmed, and what a
    statement line names. Built by position (rows.in_order): WORKED selects these fields in this order."""

    assignment_id: UUID
    borrower_id: UUID
    lender_id: UUID
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    status: str
    late_cancellation: bool
    late_cancellation_percent: int | None
    started_at: datetime | None
    ended_at: datetime | None
    worked_break: int | None
    no_show: bool | None
    worked_minutes: int | None  # None: not confirmed yet
    function: str
    site_name: str
    worker_name: str
    borrower_cao: str


class Seconded(msgspec.Struct, frozen=True):
    """A secondment roster block as settlement reads it (built by position: SECONDED selects these in order)."""

    block_id: UUID
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    secondment_id: UUID
    lender_id: UUID
    borrower_id: UUID
    function: str
    site_name: str
    worker_name: str
    borrower_cao: str


class FrozenWorkLine(msgspec.Struct, frozen=True, kw_only=True):
    """A work line of a closed month whose hours changed after closing, with what was corrected already."""

    id: UUID
    assignment_id: UUID
    amount_cents: int
    worked_minutes: int
    tariff_cents: int
    month: date
    lender_id: UUID
    borrower_id: UUID
    corrected_cents: int
    corrected_minutes: int


class FrozenStatement(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    month: date
    lender_id: UUID
    borrower_id: UUID
    vat_category: str
    vat_percent: int
    vat_reason: str | None
    vat_reason_code: str | None
    waadi: str
    minutes: int
    amount_cents: int
    vat_cents: int
    total_cents: int
    line_count: int
    closed_at: datetime


WORKED = """
SELECT a.id AS assignment_id, a.organisation_id AS borrower_id, a.home_organisation_id AS lender_id,
       a.starts_at, a.ends_at, a.break_minutes, a.status, a.late_cancellation, a.late_cancellation_percent,
       t.started_at, t.ended_at, t.break_minutes AS worked_break, t.no_show, t.worked_minutes,
       s.function, si.name AS site_name, u.name AS worker_name, b.cao AS borrower_cao
FROM assignments a
JOIN shifts s ON s.id = a.shift_id JOIN sites si ON si.id = s.site_id
JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id
JOIN organisations b ON b.id = a.organisation_id
LEFT JOIN timesheets t ON t.assignment_id = a.id
WHERE b.region_id = $1 AND a.home_organisation_id <> a.organisation_id
"""


async def month_assignments(conn: Connection, region_id: UUID, lo: datetime, hi: datetime) -> list[Worked]:
    """Loans with a start in [lo, hi): booked (hours as confirmed, else as planned) or cancelled late."""
    return in_order(Worked, await conn.fetch(WORKED + " AND a.starts_at >= $2 AND a.starts_at < $3 AND "
                                         "(a.status = 'booked' OR (a.status = 'cancelled' AND a.late_cancellation))",
                                         region_id, lo, hi))


SECONDED = """
SELECT r.id AS block_id, r.starts_at, r.ends_at, r.break_minutes, sd.id AS secondment_id, sd.lender_id,
       sd.borrower_id, sd.function, si.name AS site_name, u.name AS worker_name, b.cao AS borrower_cao
FROM roster_blocks r JOIN secondments sd ON sd.id = r.secondment_id
JOIN sites si ON si.id = sd.site_id JOIN workers w ON w.id = sd.worker_id JOIN users u ON u.id = w.user_id
JOIN organisations b ON b.id = sd.borrower_id
WHERE sd.region_id = $1 AND r.starts_at >= $2 AND r.starts_at < $3
"""


async def month_secondment_blocks(conn: Connection, region_id: UUID, lo: datetime, hi: datetime) -> list[Seconded]:
    """Secondment roster blocks with a start in [lo, hi): settled as rostered, at the lender's tariff."""
    return in_order(Seconded, await conn.fetch(SECONDED, region_id, lo, hi))


async def assignments_by_id(conn: Connection, ids: list[UUID]) -> list[Worked]:
    return in_order(Worked, await conn.fetch(WORKED.replace("WHERE b.region_id = $1", "WHERE a.id = ANY($1::uuid[])"),
                                         ids))


async def closed_months(conn: Connection, region_id: UUID) -> set:
    return {r["month"] for r in await conn.fetch("SELECT month FROM settlement_months WHERE region_id = $1",
                                                 region_id)}


async def frozen_work_lines_of(conn: Connection, region_id: UUID, months: list[date]) -> list[FrozenWorkLine]:
    """Work lines of the given closed months whose hours were confirmed again after the month closed, with
    the corrections already frozen for each. Only changed hours are corrected: a later change of tariffs,
    ORT tables or settling rules leaves a closed month's lines alone."""
    return many(FrozenWorkLine, await conn.fetch(
        "SELECT l.id, l.assignment_id, l.amount_cents, l.worked_minutes, l.tariff_cents, st.month, st.lender_id, "
        "       st.borrower_id, "
        "       coalesce((SELECT sum(c.amount_cents) FROM statement_lines c WHERE c.corrects_line_id = l.id), 0)::bigint "
        "         AS corrected_cents, "
        "       coalesce((SELECT sum(c.worked_minutes) FROM statement_lines c WHERE c.corrects_line_id = l.id), 0)::bigint "
        "         AS corrected_minutes "
        "FROM statement_lines l JOIN statements st ON st.id = l.statement_id "
        "JOIN settlement_months sm ON sm.region_id = st.region_id AND sm.month = st.month "
        "WHERE st.region_id = $1 AND st.month = ANY($2::date[]) AND l.kind = 'work' "
        "AND EXISTS (SELECT 1 FROM timesheets t WHERE t.assignment_id = l.assignment_id "
        "            AND t.confirmed_at > sm.closed_at)", region_id, months))


async def frozen_statements(conn: Connection, region_id: UUID, month: date) -> list[FrozenStatement]:
    return many(FrozenStatement, await conn.fetch(
        f"SELECT {', '.join('s.' + f for f in FrozenStatement.__struct_fields__ if f != 'closed_at')}, m.closed_at "
        "FROM statements s JOIN settlement_months m ON m.region_id = s.region_id AND m.month = s.month "
        "WHERE s.region_id = $1 AND s.month = $2", region_id, month))


async def frozen_lines(conn: Connection, statement_ids: list[UUID]) -> dict[UUID, list[Line]]:
    """The lines of closed statements, by statement, in their order: the domain's Line, as frozen."""
    out: dict[UUID, list[Line]] = defaultdict(list)
    for r in await conn.fetch("SELECT * FROM statement_lines WHERE statement_id = ANY($1::uuid[]) "
                              "ORDER BY statement_id, position", statement_ids):
        out[r["statement_id"]].append(Line(
            id=str(r["id"]), kind=LineKind(r["kind"]), work_date=r["work_date"], worker_name=r["worker_name"],
            site_name=r["site_name"], function=r["function"], planned_minutes=r["planned_minutes"],
            worked_minutes=r["worked_minutes"], tariff_cents=r["tariff_cents"], base_cents=r["base_cents"],
            ort=tuple(OrtPart(p["label"], p["percent"], p["minutes"], p["amountCents"]) for p in r["ort"]),
            amount_cents=r["amount_cents"], position=r["position"], late_percent=r["late_cancellation_percent"],
            **{k: str(r[k]) if r[k] else None
               for k in ("assignment_id", "corrects_line_id", "roster_block_id", "secondment_id")}))
    return out


async def freeze(conn: Connection, region_id: UUID, month: date, closed_by: UUID, now: datetime,
                 statements: list[Statement]) -> None:
    await conn.execute("INSERT INTO settlement_months (region_id, month, closed_at, closed_by) VALUES ($1, $2, $3, $4)",
                       region_id, month, now, closed_by)
    for st in statements:
        await conn.execute(
            "INSERT INTO statements (id, region_id, month, lender_id, borrower_id, vat_category, vat_percent, "
            "vat_reason, waadi, minutes, amount_cents, vat_cents, total_cents, line_count, vat_reason_code) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            st.id, region_id, month, st.lender.id, st.borrower.id, st.vat.category, st.vat.percent,
            st.vat.exemption_reason, st.waadi, st.totals.minutes, st.totals.amount_cents, st.totals.vat_cents,
            st.totals.total_cents, st.totals.line_count, st.vat.exemption_code)
        await conn.executemany(
            "INSERT INTO statement_lines (id, statement_id, position, kind, assignment_id, corrects_line_id, "
            "work_date, worker_name, site_name, function, planned_minutes, worked_minutes, tariff_cents, base_cents, "
            "ort, amount_cents, late_cancellation_percent, roster_block_id, secondment_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
            [(line.id, st.id, line.position, line.kind, line.assignment_id, line.corrects_line_id, line.work_date,
              line.worker_name, line.site_name, line.function, line.planned_minutes, line.worked_minutes,
              line.tariff_cents, line.base_cents,
              json.loads(json.dumps([{"label": p.label, "percent": p.percent, "minutes": p.minutes,
                                      "amountCents": p.amount_cents} for p in line.ort])),
              line.amount_cents, line.late_percent, line.roster_block_id, line.secondment_id) for line in st.lines])


async def lock_closing(conn: Connection, region_id: UUID) -> None:
    """One closing of a region at a time (transaction-scoped advisory lock)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", zlib.crc32(f"close:{region_id}".encode()))
