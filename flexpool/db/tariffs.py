"""Tariffs: the region's cost prices and VAT rate, lenders' overrides, documented VAT exemptions."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one


class RegionTariffs(msgspec.Struct, frozen=True, kw_only=True):
    """What a region set itself: cost prices per function (cents an hour), the VAT rate, replaced ORT tables."""

    functions: dict[str, int]
    vat_percent: int
    ort: dict[str, list[dict[str, Any]]] | None


class VatExemption(msgspec.Struct, frozen=True, kw_only=True):
    """A documented exemption from VAT: for one lender and borrower, or region-wide (both None)."""

    lender_id: UUID | None
    borrower_id: UUID | None
    basis: str
    code: str | None


async def region_table(conn: Connection, region_id: UUID) -> RegionTariffs | None:
    return one(RegionTariffs, await conn.fetchrow(
        "SELECT functions, vat_percent, ort FROM tariff_tables WHERE region_id = $1", region_id))


async def put_region_table(conn: Connection, region_id: UUID, *, functions: dict, vat_percent: int, ort: dict, at: datetime,
                           by: UUID) -> None:
    """`ort`: {cao: [band, ...]} for the CAOs whose table the region replaces."""
    await conn.execute(
        "INSERT INTO tariff_tables (region_id, functions, vat_percent, ort, updated_at, updated_by) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_id) DO UPDATE SET functions = $2, vat_percent = $3, "
        "ort = $4, updated_at = $5, updated_by = $6", region_id, functions, vat_percent, ort, at, by)


async def overrides(conn: Connection, region_id: UUID) -> dict:
    """Every lender's own prices in the region: {organisation id: {function: cents}}."""
    return {r["organisation_id"]: r["functions"] for r in await conn.fetch(
        "SELECT ot.* FROM organisation_tariffs ot JOIN organisations o ON o.id = ot.organisation_id "
        "WHERE o.region_id = $1", region_id)}


async def override(conn: Connection, organisation_id: UUID, region_id: UUID) -> dict:
    row = await conn.fetchrow("SELECT functions FROM organisation_tariffs ot JOIN organisations o "
                              "ON o.id = ot.organisation_id WHERE ot.organisation_id = $1 AND o.region_id = $2",
                              organisation_id, region_id)
    return row["functions"] if row else {}


async def put_override(conn: Connection, organisation_id: UUID, functions: dict, *, at: datetime, by: UUID) -> None:
    await conn.execute(
        "INSERT INTO organisation_tariffs (organisation_id, functions, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (organisation_id) DO UPDATE SET functions = $2, updated_at = $3, updated_by = $4",
        organisation_id, functions, at, by)


async def vat_exemptions(conn: Connection, region_id: UUID) -> list[VatExemption]:
    return many(VatExemption, await conn.fetch(
        "SELECT lender_id, borrower_id, basis, code FROM vat_exemptions WHERE region_id = $1", region_id))


async def replace_vat_exemptions(conn: Connection, region_id: UUID, exemptions: list[VatExemption]) -> None:
    await conn.execute("DELETE FROM vat_exemptions WHERE region_id = $1", region_id)
    await conn.executemany(
        "INSERT INTO vat_exemptions (region_id, lender_id, borrower_id, basis, code) VALUES ($1, $2, $3, $4, $5)",
        [(region_id, e.lender_id, e.borrower_id, e.basis.strip(), e.code) for e in exemptions])
