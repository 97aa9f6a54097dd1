"""Leavers and their personal data (CONTRACT.md, "Between organisations and regions").

Ending a worker is the home employer's act: the worker role and the pool membership end at once, bookings
that have not started are released at every organisation without a late-cancellation charge (the borrower
is not at fault, nor the worker), and secondments end today, their blocks ahead removed. Worked hours stay
in settlement.

Erasure (only of an ended worker) removes the profile, contact details, devices, rosters and credentials
and pseudonymises the rest, except what the law keeps: working-time records of the current and the past
52 weeks (Arbeidstijdenwet art. 4:3 and the Arbeidstijdenbesluit: the employer keeps them for 52 weeks)
and statement lines of closed months for 7 years (AWR art. 52, fiscal records).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import applications as applications_db
from flexpool.db import assignments as assignments_db
from flexpool.db import outbox
from flexpool.db import personal_data as personal_data_db
from flexpool.db import secondments as secondments_db
from flexpool.db import shifts as shifts_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.db.assignments import Assignment
from flexpool.db.workers import Worker
from flexpool.domain.clock import AMSTERDAM, local
from flexpool.domain.events import Event, Notice, Planners
from flexpool.domain.vocabulary import ApplicationStatus, NotificationKind, ProblemType
from flexpool.services import access, announcements, effects, secondments
from flexpool.services.calendar import new_calendar_secret
from flexpool.services.errors import Conflict
from flexpool.services.principal import Principal

WORKING_TIME_RETENTION = timedelta(weeks=52)
PSEUDONYM = "Verwijderde medewerker"
LEFT = "de medewerker is uit dienst bij de eigen werkgever"


async def end_worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID, now: datetime) -> None:
    w = await access.worker(conn, p, organisation_id, worker_id, "orgAdmin")
    if w.ended_at is not None:
        return
    async with conn.transaction():
        await workers_db.lock(conn, worker_id)
        await workers_db.end(conn, worker_id, now)
        await users_db.revoke(conn, w.user_id, organisation_id, ["worker"])
        for a in await assignments_db.future_bookings(conn, worker_id, now):
            await _release_for_leaver(conn, p, a, w, now)
        for s in await secondments_db.open_for_worker(conn, worker_id):
            await secondments.end_for_leaver(conn, p, s, now)
        for ap in await applications_db.pending_for_worker(conn, worker_id):
            await applications_db.decide(conn, ap.id, ApplicationStatus.WITHDRAWN, now=now, by=None, reason=LEFT)
            await effects.record(conn, Event(organisation_id=ap.organisation_id, shift_id=ap.shift_id,
                                             subject_type="application", subject_id=ap.id, action="withdrawn", actor=None,
                                             at=now, reason=LEFT))
        await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="worker",
                                         subject_id=worker_id, action="ended", actor=p.user_id, at=now))


async def _release_for_leaver(conn: Connection, p: Principal, a: Assignment, worker: Worker, now: datetime) -> None:
    """Released without a late-cancellation charge; the borrower's planners hear of it and the place
    goes out again."""
    await assignments_db.cancel(conn, a.id, now=now, by=p.user_id, reason=LEFT, late_percent=None)
    shift = await shifts_db.known(conn, a.shift_id)
    await effects.record(conn, Event(
        organisation_id=a.organisation_id, shift_id=a.shift_id, subject_type="assignment", subject_id=a.id,
        action="released", actor=p.user_id, at=now, reason=LEFT, data={"lateCancellation": False, "workerEnded": True},
        notices=(Notice(to=Planners(a.organisation_id), kind=NotificationKind.WORKER_CANCELLED,
                        key=f"worker-cancelled:{a.id}", urgent=True,
                        data=outbox.shift_data(shift, assignmentId=a.id, workerName=worker.name, reason=LEFT)),)))
    await announcements.announce_reopened(conn, a.shift_id, a.id, now)


def retention_start(now: datetime) -> datetime:
    """The Monday 00:00 (local) 52 weeks before the current week: the working-time records kept."""
    today = local(now).date()
    monday = today - timedelta(days=today.weekday()) - WORKING_TIME_RETENTION
    return datetime(monday.year, monday.month, monday.day, tzinfo=AMSTERDAM)


class Erased(msgspec.Struct, frozen=True):
    """What an erasure removed and what the law makes FlexPool keep (and for how long)."""

    worker_id: UUID
    erased_at: datetime
    removed: list[str]
    kept: list[str]


async def erase_worker(conn: Connection, p: Principal, organisation_id: UUID, worker_id: UUID, now: datetime) -> Erased:
    w = await access.worker(conn, p, organisation_id, worker_id, "orgAdmin")
    if w.ended_at is None:
        raise Conflict(ProblemType.CONFLICT, "Only an ended worker can be erased: end the worker first "
                                   "(DELETE /v1/organisations/{orgId}/workers/{workerId}).")
    removed = ["profile (date of birth, home, skills, limits)", "credentials", "availability", "exclusions",
               "blocks by organisations", "home roster outside the retention period"]
    async with conn.transaction():
        await workers_db.lock(conn, worker_id)
        await personal_data_db.erase_worker(conn, worker_id, retention_start(now), now)
        account = not await personal_data_db.has_other_ties(conn, w.user_id)
        if account:
            await personal_data_db.erase_account(conn, w.user_id, PSEUDONYM, new_calendar_secret(), now)
            removed += ["name and e-mail address", "devices", "notifications", "invitations",
                        "calendar subscription"]
        await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="worker",
                                         subject_id=worker_id, action="erased", actor=p.user_id, at=now,
                                         data={"account": account}))
    kept = ["home roster blocks of the current and past 52 weeks (working-time records)",
            "assignments and confirmed hours, pseudonymised (working-time records and settlement)",
            "statement lines of closed months for 7 years (fiscal records)"]
    if not account:
        kept.append("the account: the person still works with FlexPool elsewhere")
    return Erased(worker_id, local(now), removed, kept)


FISCAL_RETENTION_YEARS = 7


async def purge_expired(conn: Connection, now: datetime) -> personal_data_db.Purged:
    """Daily: the records kept for erased workers go when the law no longer asks for them."""
    today = local(now).date()
    fiscal = today.replace(year=today.year - FISCAL_RETENTION_YEARS, month=1, day=1)
    return await personal_data_db.purge_expired(conn, retention_start(now), fiscal, PSEUDONYM)


async def export(conn: Connection, p: Principal, now: datetime) -> dict[str, object]:
    """The caller's data as one JSON document (GDPR art. 15 and 20): a document by design, not a read model."""
    return {"exportedAt": local(now).isoformat(), "userId": str(p.user_id),
            **await personal_data_db.export(conn, p.user_id)}
