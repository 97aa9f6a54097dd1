"""Publishing, listing and cancelling shifts (diensten)."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import applications as applications_db
from flexpool.db import assignments as assignments_db
from flexpool.db import audit as audit_db
from flexpool.db import organisations as orgs_db
from flexpool.db import series as series_db
from flexpool.db import shifts as shifts_db
from flexpool.db.audit import AuditEvent
from flexpool.domain import shifts as shift_rules
from flexpool.domain import waves
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.events import Event
from flexpool.domain.shifts import ShiftDraft
from flexpool.domain.vocabulary import ApplicationStatus, BookingMode, ProblemType, ShiftStatus
from flexpool.services import access, announcements, effects, regions
from flexpool.services.booking import release
from flexpool.services.errors import Conflict, Forbidden, Invalid, NotFound
from flexpool.services.offers import may_see
from flexpool.services.principal import Principal

PLANNING = ("planner", "orgAdmin")
SERIES_SHIFTS = 100  # a series is weeks of shifts, not a roster for a year


async def planner_organisation(conn: Connection, p: Principal, organisation_id: UUID | None) -> UUID:
    orgs = p.organisations(*PLANNING)
    if organisation_id is not None:
        await access.organisation(conn, p, organisation_id, *PLANNING, delegated=True)
        return organisation_id
    if not orgs and p.is_region_planner:
        raise Invalid([("organisationId", "the region's planning desk says for which organisation")])
    if not orgs:
        p.require_any(*PLANNING)
    if len(orgs) > 1:
        raise Invalid([("organisationId", "you plan for several organisations; say which")])
    return orgs[0]


async def publish(conn: Connection, p: Principal, drafts: list[ShiftDraft], now: datetime, organisation_id: UUID | None = None,
                  batch: bool = False, request_key: str | None = None, series: BookingMode | None = None) -> list:
    """All or nothing: one invalid draft refuses the whole batch, naming the item. A retry of a request that
    was committed (same Idempotency-Key) gets the shifts it published, not a second set.

    With `series` the shifts form a series booked that way: they may not overlap, they travel in the waves
    of the first shift's lead time (one audience for the whole series), and only the first is announced."""
    org_id = await planner_organisation(conn, p, organisation_id)
    if request_key:
        done = await shifts_db.by_request(conn, p.user_id, request_key, p.region_id)
        if done:
            return list(done)
    errors: list[tuple[str, str]] = []
    for i, d in enumerate(drafts):
        prefix = f"shifts[{i}]." if batch else ""
        errors += [(e.field, e.message) for e in shift_rules.validate_draft(d, now, CATALOGUE, prefix)]
        if await orgs_db.site(conn, d.site_id, org_id) is None:
            errors.append((prefix + "siteId", "no such site of your organisation"))
    if series is not None:
        if not 2 <= len(drafts) <= SERIES_SHIFTS:
            errors.append(("shifts", f"a series has 2 to {SERIES_SHIFTS} shifts"))
        errors += [(f"shifts[{i}].startsAt", "overlaps another shift of the series")
                   for i in shift_rules.overlapping(drafts)]
    if errors:
        raise Invalid(errors)
    if series is not None:
        drafts = [msgspec.structs.replace(d, booking=series) for d in drafts]
    has_partners = bool(await orgs_db.partners(conn, org_id))
    wave_table = (await regions.policy(conn, p.region_id)).waves
    first = min(drafts, key=lambda d: d.starts_at)
    ids = []
    async with conn.transaction():
        series_id = None
        if series is not None:
            series_id = await series_db.insert(conn, region_id=p.require_region(), organisation_id=org_id, booking=series,
                                               created_by=p.user_id, now=now, request_key=request_key)
        for d in drafts:
            schedule = waves.schedule(now, first.starts_at if series else d.starts_at,
                                      any(x.urgent for x in drafts) if series else d.urgent, has_partners, wave_table)
            shift_id = await shifts_db.insert(
                conn, d, region_id=p.require_region(), organisation_id=org_id, published_at=now,
                partners_at=schedule.partners_at, region_at=schedule.region_at, created_by=p.user_id,
                request_key=request_key, series_id=series_id)
            data = {"places": d.places, "urgent": d.urgent, **access.on_behalf(p, org_id)}
            if series_id is not None:
                data["seriesId"] = str(series_id)
            await effects.record(conn, Event(organisation_id=org_id, shift_id=shift_id, subject_type="shift",
                                             subject_id=shift_id, action="published", actor=p.user_id, at=now,
                                             data=data))
            ids.append(shift_id)
        for shift_id in ids:
            await announcements.announce(conn, shift_id, now)
        # Read back before the commit: once committed, nothing may turn the answer into an error.
        return [await shifts_db.known(conn, i) for i in ids]


class ShiftDetail(msgspec.Struct, frozen=True):
    """A shift as the caller may see it: its organisation's staff see who is booked and who applied (None for
    anyone else, a worker it is offered to or booked on)."""

    shift: shifts_db.Shift
    assignments: list[assignments_db.Assignment] | None
    applications: list[applications_db.Application] | None


async def _seen_by_staff(conn: Connection, p: Principal, shift_id: UUID, now: datetime) -> tuple[shifts_db.Shift, bool]:
    """The shift if the caller may see it, and whether as its organisation's staff; else 404."""
    shift = await shifts_db.get(conn, shift_id, p.region_id) if p.region_id else None
    if shift is None:
        raise NotFound("shift")
    try:
        await access.shift_allowed(conn, p, shift, *access.STAFF, coordinator=True, delegated=True)
        return shift, True
    except (NotFound, Forbidden):
        pass
    if await may_see(conn, p, shift, now):
        return shift, False
    raise NotFound("shift")


async def detail(conn: Connection, p: Principal, shift_id: UUID, now: datetime) -> ShiftDetail:
    shift, staff = await _seen_by_staff(conn, p, shift_id, now)
    if not staff:
        return ShiftDetail(shift, None, None)
    return ShiftDetail(shift, await assignments_db.for_shift(conn, shift_id),
                       await applications_db.for_shift(conn, shift_id))


async def list_for_planner(conn: Connection, p: Principal, *, organisation_id: UUID | None = None,
                           status: str | None = None, lo: datetime | None = None, hi: datetime | None = None,
                           site_id: UUID | None = None, now: datetime, after: tuple[datetime, UUID] | None = None,
                           limit: int = 50) -> list[shifts_db.Shift]:
    org_id = await planner_organisation(conn, p, organisation_id)
    return await shifts_db.list_for_organisation(conn, org_id, status=status, lo=lo, hi=hi, site_id=site_id, now=now,
                                                 after=after, limit=limit)


async def history(conn: Connection, p: Principal, shift_id: UUID) -> list[AuditEvent]:
    await access.shift(conn, p, shift_id, *PLANNING, coordinator=True, delegated=True)
    return await audit_db.for_shift(conn, shift_id)


async def cancel(conn: Connection, p: Principal, shift_id: UUID, reason: str, now: datetime,
                 request_key: str | None = None) -> shifts_db.Shift:
    """Cancel the shift; booked workers are released (late when inside the window) and applications declined."""
    await access.shift(conn, p, shift_id, *PLANNING, delegated=True)
    async with conn.transaction():
        await shifts_db.lock(conn, shift_id)
        shift = await shifts_db.known(conn, shift_id)
        if shift.status == ShiftStatus.CANCELLED:
            if request_key and await audit_db.acted_with_key(conn, shift_id, p.user_id, request_key):
                return shift
            raise Conflict(ProblemType.SHIFT_NOT_OPEN, "This shift is already cancelled.")
        if shift.ends_at <= now:
            raise Conflict(ProblemType.SHIFT_NOT_OPEN, "This shift is over; confirm the hours instead.")
        for a in await assignments_db.booked_for_shift(conn, shift_id):
            await release(conn, p, a, shift, reason, now, shift_cancelled=True)
        for application_id in await applications_db.pending_ids_for_shift(conn, shift_id):
            await applications_db.decide(conn, application_id, ApplicationStatus.DECLINED, now=now, by=p.user_id,
                                         reason="shift cancelled")
            await effects.record(conn, Event(organisation_id=shift.organisation_id, shift_id=shift_id,
                                             subject_type="application", subject_id=application_id, action="declined",
                                             actor=p.user_id, at=now, reason="shift cancelled"))
        await shifts_db.cancel(conn, shift_id, now, reason)
        await effects.record(conn, Event(organisation_id=shift.organisation_id, shift_id=shift_id, subject_type="shift",
                                         subject_id=shift_id, action="cancelled", actor=p.user_id, at=now, reason=reason,
                                         data={**access.on_behalf(p, shift.organisation_id),
                                               **({"requestKey": request_key} if request_key else {})}))
    return await shifts_db.known(conn, shift_id)
