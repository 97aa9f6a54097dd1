"""Tariffs, monthly settlement with its exports, and reports."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from asyncpg import Connection
from litestar import Controller, Request, Response, get, post, put
from litestar.params import Parameter

from api.downloads import attachment
from api.pagination import Cursor, Limit, Page, page_of
from api.settlements.schemas import (
    Balance,
    BalanceRow,
    FillRate,
    LoanRow,
    LoansReport,
    OrganisationTariffs,
    OrganisationTariffsIn,
    OrtBand,
    Position,
    Settlement,
    Statement,
    StatementLine,
    StatementSummary,
    StudentRow,
    StudentsReport,
    Tariffs,
    TariffsIn,
    Transfer,
    Vat,
    VatExemption,
)
from api.wire import at
from flexpool.db import tariffs as tariffs_db
from flexpool.domain import statements
from flexpool.domain.clock import local
from flexpool.domain.tariffs import Band
from flexpool.domain.vocabulary import ProblemType
from flexpool.exports import csv_export, ubl, xlsx_export
from flexpool.services import reports, settlement, tariffs
from flexpool.services.errors import Conflict, Invalid
from flexpool.services.principal import Principal

Month = Annotated[str, Parameter(pattern=r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$",
                                  description="YYYY-MM, 2000-01 to 2100-12")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_month(value: str) -> date:
    """A month as YYYY-MM between 2000 and 2100: money is never settled outside them."""
    try:
        month = datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise Invalid([("month", "a month as YYYY-MM")]) from None
    if not 2000 <= month.year <= 2100:
        raise Invalid([("month", "a month between 2000-01 and 2100-12")])
    return month


def summary(st: statements.Statement) -> dict:
    return dict(id=UUID(st.id), month=f"{st.month:%Y-%m}", lender_organisation_id=UUID(st.lender.id),
                lender_name=st.lender.name, borrower_organisation_id=UUID(st.borrower.id),
                borrower_name=st.borrower.name, minutes=st.totals.minutes, amount_cents=st.totals.amount_cents,
                vat_cents=st.totals.vat_cents, total_cents=st.totals.total_cents, line_count=st.totals.line_count,
                vat_category=st.vat.category, vat_percent=st.vat.percent,
                vat_exemption_reason=st.vat.exemption_reason, waadi=st.waadi)


def statement_out(st: statements.Statement) -> Statement:
    lines = [StatementLine(
        id=UUID(x.id), position=x.position, kind=x.kind, work_date=x.work_date, worker_name=x.worker_name,
        site_name=x.site_name, function=x.function, planned_minutes=x.planned_minutes,
        worked_minutes=x.worked_minutes, minutes=x.worked_minutes, tariff_cents=x.tariff_cents,
        base_cents=x.base_cents, ort_cents=x.ort_cents,
        ort=[{"label": p.label, "percent": p.percent, "minutes": p.minutes, "amountCents": p.amount_cents}
             for p in x.ort], amount_cents=x.amount_cents,
        assignment_id=UUID(x.assignment_id) if x.assignment_id else None,
        corrects_line_id=UUID(x.corrects_line_id) if x.corrects_line_id else None,
        roster_block_id=UUID(x.roster_block_id) if x.roster_block_id else None,
        secondment_id=UUID(x.secondment_id) if x.secondment_id else None) for x in st.lines]
    return Statement(**summary(st), lines=lines)


def _tariffs_out(table: tariffs.TariffTable) -> Tariffs:
    return Tariffs(functions=table.functions,
                   ort={cao: [OrtBand(b.day, b.start, b.end, b.percent, b.label) for b in t.bands]
                        for cao, t in table.ort.items()},
                   vat=Vat(table.vat_percent, [VatExemption(e.lender_id, e.borrower_id, e.basis, e.code)
                                                  for e in table.exemptions]))


class TariffController(Controller):
    path = "/v1"
    tags = ["tariffs"]

    @get("/tariffs", summary="The region's cost prices per hour (cents), ORT tables and VAT")
    async def get_region(self, conn: Connection, p: Principal) -> Tariffs:
        return _tariffs_out(await tariffs.get_region(conn, p))

    @put("/tariffs", summary="Set the region's tariffs and VAT (coordinator)")
    async def put_region(self, conn: Connection, p: Principal, now: datetime, data: TariffsIn) -> Tariffs:
        table = await tariffs.put_region(conn, p, tariffs.NewTariffs(
            functions=data.functions, vat_percent=data.vat.percent,
            exemptions=[tariffs_db.VatExemption(lender_id=e.lender_id, borrower_id=e.borrower_id, basis=e.basis, code=e.code)
                        for e in data.vat.exemptions],
            ort={cao: [Band(b.day, b.start_hour, b.end_hour, b.percent, b.label) for b in bands]
                 for cao, bands in (data.ort or {}).items()}), now)
        return _tariffs_out(table)

    @get("/organisations/{org_id:uuid}/tariffs", summary="The lender's own tariff overrides")
    async def get_organisation(self, conn: Connection, p: Principal, org_id: UUID) -> OrganisationTariffs:
        return OrganisationTariffs(org_id, await tariffs.get_organisation(conn, p, org_id))

    @put("/organisations/{org_id:uuid}/tariffs", summary="Override the tariffs for the lender's own workers")
    async def put_organisation(self, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                               data: OrganisationTariffsIn) -> OrganisationTariffs:
        return OrganisationTariffs(org_id, await tariffs.put_organisation(conn, p, org_id, data.functions, now))


class SettlementController(Controller):
    path = "/v1/settlements"
    tags = ["settlement"]

    @get("/{month:str}", summary="Positions and transfers of a month (finance: its own; coordinator: all)")
    async def month(self, conn: Connection, p: Principal, month: Month) -> Settlement:
        book = await settlement.settlement(conn, p, parse_month(month))
        return Settlement(month=month, status=book.status,
                          positions=[Position(UUID(x.organisation_id), x.receivable_cents, x.payable_cents,
                                                 x.net_cents) for x in book.positions],
                          transfers=[Transfer(UUID(t.from_organisation_id), UUID(t.to_organisation_id),
                                                 t.amount_cents) for t in book.transfers])

    @get("/{month:str}/statements", summary="Statements in which the caller's organisation lends or borrows")
    async def statements(self, conn: Connection, p: Principal, month: Month, limit: Limit = 50,
                         cursor: Cursor = None) -> Page[StatementSummary]:
        book = await settlement.settlement(conn, p, parse_month(month))
        return page_of([StatementSummary(**summary(s)) for s in book.statements], limit, cursor,
                       lambda s: (s.lender_name, s.borrower_name, str(s.id)), parts=3)

    @get("/{month:str}/statements/{statement_id:uuid}",
         summary="One statement: JSON, text/csv, XLSX or application/xml (UBL 2.1, SI-UBL 2.0) by Accept",
         media_type="application/json")
    async def statement(self, request: Request, conn: Connection, p: Principal, now: datetime, month: Month,
                        statement_id: UUID,
                        format: Literal["json", "csv", "xlsx", "xml"] | None = None) -> Response[Statement | bytes]:
        st = await settlement.statement(conn, p, parse_month(month), statement_id)
        accept = (request.headers.get("accept") or "").lower()
        wanted = format or ("csv" if "text/csv" in accept else "xlsx" if XLSX in accept
                            else "xml" if "application/xml" in accept or "text/xml" in accept else "json")
        name = f"verrekenoverzicht-{month}-{st.lender.name}-{st.borrower.name}"
        if wanted == "csv":
            return Response(csv_export.render(st), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": attachment(f"{name}.csv")})
        if wanted == "xlsx":
            return Response(xlsx_export.render(st), media_type=XLSX,
                            headers={"Content-Disposition": attachment(f"{name}.xlsx")})
        if wanted == "xml":
            if ubl.missing(st):
                raise Conflict(ProblemType.INVOICE_INCOMPLETE, "A valid e-invoice needs " + "; ".join(ubl.missing(st)) +
                               ". The lender's orgAdmin adds it with PATCH /v1/organisations/{orgId}.")
            return Response(ubl.render(st, st.issued_on or local(now).date()), media_type="application/xml",
                            headers={"Content-Disposition": attachment(f"{name}.xml")})
        if wanted != "json":
            raise Invalid([("format", "json, csv, xlsx or xml")])
        return Response(statement_out(st), media_type="application/json")

    @post("/{month:str}/close", status_code=200, summary="Close a month (coordinator): it never changes again")
    async def close(self, conn: Connection, p: Principal, now: datetime, month: Month) -> Settlement:
        book = await settlement.close(conn, p, parse_month(month), now)
        return Settlement(month=month, status=book.status,
                          positions=[Position(UUID(x.organisation_id), x.receivable_cents, x.payable_cents,
                                                 x.net_cents) for x in book.positions],
                          transfers=[Transfer(UUID(t.from_organisation_id), UUID(t.to_organisation_id),
                                                 t.amount_cents) for t in book.transfers])


class ReportController(Controller):
    path = "/v1/reports"
    tags = ["reports"]

    @get("/fill-rate", summary="Published, filled, cancelled shifts; fill rate and median minutes to fill")
    async def fill_rate(self, conn: Connection, p: Principal, from_: Annotated[datetime, Parameter(query="from")],
                        to: datetime,
                        organisation_id: UUID | None = Parameter(query="organisationId", default=None)) -> FillRate:
        return FillRate(**msgspec.structs.asdict(await reports.fill_rate(conn, p, from_, to, organisation_id)))

    @get("/balance", summary="Whether the exchange is mutual: per organisation minutes lent and borrowed, shifts "
                             "published and filled by others, late cancellations and no-shows on either side "
                             "(coordinator; finance: its own organisation)")
    async def balance(self, conn: Connection, p: Principal, from_: Annotated[datetime, Parameter(query="from")],
                      to: datetime, limit: Limit = 50, cursor: Cursor = None) -> Balance:
        rows = await reports.balance(conn, p, from_, to)
        shown = page_of([BalanceRow(**msgspec.structs.asdict(r)) for r in rows], limit, cursor,
                        lambda b: (b.name, str(b.organisation_id)))
        return Balance(from_=at(from_), to=at(to), items=shown.items, next_cursor=shown.next_cursor)

    @get("/loans", summary="Minutes lent and borrowed per organisation in a month")
    async def loans(self, conn: Connection, p: Principal, month: Month, limit: Limit = 50,
                    cursor: Cursor = None) -> LoansReport:
        rows = await reports.loans(conn, p, parse_month(month))
        shown = page_of([LoanRow(UUID(r.organisation_id), r.name, r.minutes_lent, r.minutes_borrowed) for r in rows],
                        limit, cursor, lambda r: (r.name, str(r.organisation_id)))
        return LoansReport(month=month, items=shown.items, next_cursor=shown.next_cursor)

    @get("/students", summary="Hours per student per organisation in a month, for the schools (coordinator)")
    async def students(self, conn: Connection, p: Principal, month: Month, limit: Limit = 50,
                       cursor: Cursor = None) -> StudentsReport:
        rows = await reports.students(conn, p, parse_month(month))
        shown = page_of([StudentRow(**msgspec.structs.asdict(r)) for r in rows], limit, cursor,
                        lambda r: (r.school, r.name, str(r.worker_id), str(r.organisation_id)), parts=4)
        return StudentsReport(month=month, items=shown.items, next_cursor=shown.next_cursor)
