"""Imports of workers and home rosters (CSV or XLSX as HR and rostering systems export them), and the
templates to start from."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection
from litestar import Request, Response, Router, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter

from api.downloads import attachment
from flexpool.domain import imports as rules
from flexpool.services import imports
from flexpool.services.principal import Principal

# import_workers or import_rosters: (conn, caller, organisation, file, its content type, *, dry_run, now)
ImportUseCase = Callable[..., Awaitable[imports.ImportReport]]

DryRun = Parameter(query="dryRun", default=False, description="check every row and report, write nothing")
COLUMNS_DOC = {
    "workers": "Columns (Dutch or English, case and spaces ignored): " + "; ".join(
        f"{field} ({', '.join(names)})" for field, names in rules.WORKER_COLUMNS.items()),
    "rosters": "Columns: " + "; ".join(f"{field} ({', '.join(names)})" for field, names in rules.ROSTER_COLUMNS.items()),
}


class ImportResult(msgspec.Struct, rename="camel"):
    rows: int
    created: int
    updated: int
    unchanged: int
    invited: int
    dry_run: bool
    errors: list[dict]


def _out(report: imports.ImportReport) -> ImportResult:
    return ImportResult(report.rows, report.created, report.updated, report.unchanged, report.invited, report.dry_run,
                        [{"row": r, "field": f, "message": m} for r, f, m in report.errors])


def _routes(kind: str, use_case: ImportUseCase, *, summary: str, description: str, template_summary: str,
            names: tuple[str, str]) -> list[HTTPRouteHandler]:
    """The import of one kind and its template; the operation ids are those the handlers had as methods."""
    operation = "V1OrganisationsOrgId" + kind.capitalize() + "Import"

    @post(f"/{kind}/import", status_code=200, summary=summary, description=description, operation_id=operation + names[0])
    async def run(request: Request, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                  dry_run: bool = DryRun) -> ImportResult:
        report = await use_case(conn, p, org_id, await request.body(), request.headers.get("content-type", ""),
                                dry_run=dry_run, now=now)
        return _out(report)

    @get(f"/{kind}/import", summary=template_summary, media_type="text/csv", operation_id=operation + names[1])
    async def template(conn: Connection, p: Principal, org_id: UUID) -> Response[bytes]:
        await imports.may_import(conn, p, org_id)
        return Response(imports.template(kind), media_type="text/csv",
                        headers={"Content-Disposition": attachment(f"flexpool-{kind}-template.csv")})

    return [run, template]


IMPORTS = Router(path="/v1/organisations/{org_id:uuid}", tags=["imports"], route_handlers=[
    *_routes("workers", imports.import_workers, names=("ImportWorkers", "WorkersTemplate"),
             summary="Import workers from CSV or XLSX (orgAdmin): all rows or none",
             description=COLUMNS_DOC["workers"] + ". Matches on personnel number, else e-mail; a re-import of the "
                         "same file changes nothing; someone of another organisation is invited.",
             template_summary="The template of a workers import (CSV)"),
    *_routes("rosters", imports.import_rosters, names=("ImportRosters", "RostersTemplate"),
             summary="Import home rosters from CSV or XLSX (orgAdmin): replaces each listed worker's blocks inside "
                     "the file's date range; all rows or none", description=COLUMNS_DOC["rosters"] + ".",
             template_summary="The template of a roster import (CSV)"),
])
