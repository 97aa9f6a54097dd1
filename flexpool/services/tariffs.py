"""The region's tariff table, lender overrides, VAT rate and documented exemptions, Waadi status."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import organisations as orgs_db
from flexpool.db import tariffs as tariffs_db
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.tariffs import DEFAULT_TARIFFS, Band, OrtTable, band_problems, ort_tables
from flexpool.services import access
from flexpool.services.errors import Invalid, NotFound
from flexpool.services.principal import Principal


def _validate_functions(functions: dict[str, int], field: str = "functions") -> None:
    errors = [(f"{field}.{k}", "unknown function") for k in functions if k not in CATALOGUE.functions]
    errors += [(f"{field}.{k}", "cents per hour between 0 and 100000") for k, v in functions.items()
               if not 0 <= v <= 100_000]
    if errors:
        raise Invalid(errors)


class TariffTable(msgspec.Struct, frozen=True, kw_only=True):
    """A region's prices in effect: its cost prices over the defaults, VAT, exemptions, and ORT per CAO."""

    functions: dict[str, int]
    vat_percent: int
    exemptions: list[tariffs_db.VatExemption]
    ort: dict[str, OrtTable]


async def region_table(conn: Connection, region_id: UUID) -> TariffTable:
    row = await tariffs_db.region_table(conn, region_id)
    return TariffTable(functions={**DEFAULT_TARIFFS, **(row.functions if row else {})},
                       vat_percent=row.vat_percent if row else 21,
                       exemptions=await tariffs_db.vat_exemptions(conn, region_id),
                       ort=ort_tables(row.ort if row else None))


async def get_region(conn: Connection, p: Principal) -> TariffTable:
    p.require_any("coordinator", "finance", "orgAdmin", "planner")
    if p.region_id is None:
        raise NotFound("region")
    return await region_table(conn, p.region_id)


class NewTariffs(msgspec.Struct, frozen=True, kw_only=True):
    """The coordinator's command: cost prices per function, the VAT rate and its documented exemptions, and
    the ORT tables the region replaces (left out: the CAO defaults)."""

    functions: dict[str, int]
    vat_percent: int = 21
    exemptions: list[tariffs_db.VatExemption] = []
    ort: dict[str, list[Band]] = {}


async def put_region(conn: Connection, p: Principal, new: NewTariffs, now: datetime) -> TariffTable:
    """Replaces the region's table. Applies to open months; closed months keep what they were closed with."""
    region_id = p.require_coordinator()
    functions, exemptions, ort = new.functions, new.exemptions, new.ort
    _validate_functions(functions)
    ort_errors = [e for cao, bands in ort.items() for e in band_problems(cao, bands)]
    if ort_errors:
        raise Invalid(ort_errors)
    orgs = {o.id for o in await orgs_db.list_in_region(conn, region_id)}
    errors = []
    for i, e in enumerate(exemptions):
        if (e.lender_id is None) != (e.borrower_id is None):
            errors.append((f"vat.exemptions[{i}]", "give both lenderId and borrowerId, or neither (region-wide)"))
        for key, org in (("lenderId", e.lender_id), ("borrowerId", e.borrower_id)):
            if org is not None and org not in orgs:
                errors.append((f"vat.exemptions[{i}].{key}", "no such organisation"))
        if len(e.basis.strip()) < 10:
            errors.append((f"vat.exemptions[{i}].basis", "state the documented legal basis in words"))
    if errors:
        raise Invalid(errors)
    async with conn.transaction():
        await tariffs_db.put_region_table(
            conn, region_id, functions=functions, vat_percent=new.vat_percent, at=now, by=p.user_id,
            ort={cao: [msgspec.to_builtins(b) for b in bands] for cao, bands in ort.items()})
        await tariffs_db.replace_vat_exemptions(conn, region_id, exemptions)
    return await region_table(conn, region_id)


async def get_organisation(conn: Connection, p: Principal, organisation_id: UUID) -> dict:
    await access.organisation(conn, p, organisation_id, "finance", "orgAdmin", "planner", coordinator=True)
    return await tariffs_db.override(conn, organisation_id, p.require_region())


async def put_organisation(conn: Connection, p: Principal, organisation_id: UUID, functions: dict[str, int],
                           now: datetime) -> dict[str, int]:
    """The lender's own cost prices for its own workers, overriding the region's table."""
    await access.organisation(conn, p, organisation_id, "finance", "orgAdmin")
    _validate_functions(functions)
    await tariffs_db.put_override(conn, organisation_id, functions, at=now, by=p.user_id)
    return functions
