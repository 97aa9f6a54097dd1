"""Imports of workers and home rosters from the files HR and rostering systems export.

All rows or none: every row's problems are reported at once (a dry run only reports). A re-import of the
same file changes nothing. Workers match on the personnel number, else on the e-mail address; a person
whose account belongs to another organisation is invited, as when added one by one. A roster import
replaces each listed worker's blocks inside the file's date range, as `PUT .../roster` does.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec
from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.domain import imports as rules
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.clock import AMSTERDAM, local
from flexpool.domain.events import Event
from flexpool.domain.vocabulary import InvitationKind, ProblemType
from flexpool.domain.workers import CredentialRecord, WorkerDetails
from flexpool.imports import tables
from flexpool.services import access, effects, invitations
from flexpool.services.errors import Invalid, ServiceError
from flexpool.services.principal import Principal

MAX_ROWS = 100_000


class ImportReport(msgspec.Struct, rename="camel"):
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invited: int = 0
    errors: list[rules.Problem] = []
    dry_run: bool = False


class ImportRefused(ServiceError):
    """422: the file has problems; nothing was written. The report lists every row's."""

    slug, status = ProblemType.VALIDATION, 422

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.errors)} problem(s) in the file; nothing was imported.")
        self.report = report


def _read(content: bytes, content_type: str) -> tuple[list[str], list]:
    try:
        header, rows = tables.read(content, content_type)
    except tables.UnreadableFile as exc:
        raise ImportRefused(ImportReport(rows=0, errors=[(1, "file", str(exc))])) from None
    if len(rows) > MAX_ROWS:
        raise ImportRefused(ImportReport(rows=len(rows), errors=[(1, "file", f"at most {MAX_ROWS} rows a file")]))
    return header, rows


def _finish(report: ImportReport, dry_run: bool) -> ImportReport:
    report.dry_run = dry_run
    if report.errors and not dry_run:
        raise ImportRefused(report)
    return report


async def import_workers(conn: Connection, p: Principal, organisation_id: UUID, content: bytes, content_type: str, *,
                         dry_run: bool, now: datetime) -> ImportReport:
    org = await access.organisation(conn, p, organisation_id, "orgAdmin")
    header, rows = _read(content, content_type)
    records, problems = rules.parse_workers(header, rows, CATALOGUE)
    report = ImportReport(rows=len(rows), errors=problems)
    existing = await workers_db.for_import(conn, organisation_id)
    by_number = {w.employee_number: w for w in existing if w.employee_number}
    by_email = {w.email.lower(): w for w in existing}
    accounts = {a.key: a for a in await users_db.by_emails(conn, [r.email.lower() for r in records])}
    new, changed, vogs, renames, invite = [], [], [], [], []
    for r in records:
        current = by_number.get(r.employee_number) if r.employee_number else None
        current = current or by_email.get(r.email.lower())
        if current is not None:
            if current.email.lower() != r.email.lower():
                report.errors.append((r.row, "email", "differs from the address FlexPool has for this personnel "
                                                      "number; the person changes it in their own account"))
                continue
            fields = _worker_fields(r, current)
            vog = r.vog_valid_until if r.vog_valid_until is not None else current.vog_valid_until
            same = (fields == (current.employee_number, current.function, current.contract_minutes_per_week,
                               current.date_of_birth, current.home_postcode, tuple(current.skills),
                               current.employer_opt_in)
                    and r.name == current.name and (r.vog_valid_until is None or vog == current.vog_valid_until))
            if same:
                report.unchanged += 1
                continue
            changed.append((current.id, fields[0], fields[1], fields[2], fields[3], fields[4], list(fields[5]),
                            fields[6]))
            if r.name != current.name:
                renames.append((current.user_id, r.name))
            if r.vog_valid_until is not None and r.vog_valid_until != current.vog_valid_until:
                vogs.append((current.id, r.vog_valid_until))
            report.updated += 1
            continue
        account = accounts.get(r.email.lower())
        if account is not None and account.region_id not in (None, org.region_id):
            report.errors.append((r.row, "email", "this person belongs to another region"))
        elif account is not None and account.tied:
            invite.append((r, account))
            report.invited += 1
        else:
            new.append((r, account))
            report.created += 1
    _finish(report, dry_run)
    if dry_run or not (new or changed or invite):
        return report
    async with conn.transaction():
        fresh = {a.key: a.id for a in await users_db.insert_many(
            conn, org.region_id, [(r.email, r.name) for r, account in new if account is None])}
        user_ids = [account.id if account else fresh[r.email.lower()] for r, account in new]
        await users_db.rename_many(conn, [(account.id, r.name) for r, account in new if account] + renames)
        created = await workers_db.insert_many(conn, organisation_id, org.region_id, [
            (uid, *_as_row(_worker_fields(r, None))) for (r, _), uid in zip(new, user_ids, strict=True)])
        await users_db.grant_many(conn, org.region_id, organisation_id, "worker", user_ids)
        worker_of = {row.user_id: row.id for row in created}
        vogs += [(worker_of[uid], r.vog_valid_until) for (r, _), uid in zip(new, user_ids, strict=True) if r.vog_valid_until]
        await workers_db.update_many(conn, changed)
        await workers_db.set_vog_many(conn, vogs)
        for r, account in invite:
            payload = invitations.worker_payload(
                _invited_details(r), [CredentialRecord("vog", None, r.vog_valid_until)] if r.vog_valid_until else [], [])
            await invitations.invite(conn, p, org, account.id, kind=InvitationKind.WORKER, roles=[],
                                     worker=payload, now=now)
        await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="organisation",
                                         subject_id=organisation_id, action="workers-imported", actor=p.user_id, at=now,
                                         data={"created": report.created, "updated": report.updated,
                                               "unchanged": report.unchanged, "invited": report.invited},
                                         region_id=org.region_id))
    return report


def _worker_fields(r: rules.WorkerRecord, current: workers_db.ImportedWorker | None) -> tuple:
    """What an import sets, in the order update_many takes; a column left empty keeps what is there."""
    return (r.employee_number or (current.employee_number if current else None), r.function,
            r.contract_minutes_per_week,
            r.date_of_birth if r.date_of_birth is not None else (current.date_of_birth if current else None),
            r.postcode if r.postcode is not None else (current.home_postcode if current else None),
            r.skills if r.skills else tuple(current.skills if current else ()),
            r.opted_in if r.opted_in is not None else (current.employer_opt_in if current else True))


def _as_row(fields: tuple) -> tuple:
    number, function, minutes, birth, postcode, skills, opted_in = fields
    return number, function, minutes, birth, postcode, ",".join(skills), opted_in


def _invited_details(r: rules.WorkerRecord) -> WorkerDetails:
    """The profile an invited person gets when they accept; a column the file left empty takes its default."""
    return WorkerDetails(function=r.function, contract_minutes_per_week=r.contract_minutes_per_week,
                         skills=list(r.skills), employer_opt_in=r.opted_in if r.opted_in is not None else True,
                         employee_number=r.employee_number,
                         date_of_birth=r.date_of_birth if r.date_of_birth else msgspec.UNSET,
                         home_postcode=r.postcode if r.postcode else msgspec.UNSET)


async def import_rosters(conn: Connection, p: Principal, organisation_id: UUID, content: bytes, content_type: str, *,
                         dry_run: bool, now: datetime) -> ImportReport:
    org = await access.organisation(conn, p, organisation_id, "orgAdmin")
    header, rows = _read(content, content_type)
    records, problems = rules.parse_roster(header, rows)
    problems += rules.roster_problems(records)
    report = ImportReport(rows=len(rows), errors=problems)
    known = await workers_db.by_keys(conn, organisation_id, [r.employee_number for r in records if r.employee_number],
                                     [r.email.lower() for r in records if r.email])
    by_number = {w.employee_number: w for w in known if w.employee_number}
    by_email = {w.email: w for w in known}
    blocks: dict[UUID, list[tuple]] = {}
    numbers: dict[UUID, int] = {}
    for r in records:
        w = by_number.get(r.employee_number) if r.employee_number else by_email.get((r.email or "").lower())
        if w is None:
            report.errors.append((r.row, "employeeNumber" if r.employee_number else "email",
                                  "no current worker of this organisation"))
            continue
        blocks.setdefault(w.id, []).append((r.starts_at, r.ends_at, r.row))
        numbers[w.id] = w.no
    if not records:
        return _finish(report, dry_run)
    first = min(local(r.starts_at).date() for r in records)
    last = max(local(r.starts_at).date() for r in records)
    lo = datetime(first.year, first.month, first.day, tzinfo=AMSTERDAM)
    hi = datetime(last.year, last.month, last.day, tzinfo=AMSTERDAM) + timedelta(days=1)
    clashing = await assignments_db.workers_booked_over(conn, [(w, s, e) for w, bs in blocks.items() for s, e, _ in bs])
    for worker_id in clashing:
        worker_blocks = blocks[worker_id]
        if worker_blocks:
            rows_of = ", ".join(str(n) for *_, n in worker_blocks)
            report.errors.append((worker_blocks[0][2], "start", f"a block (rows {rows_of}) overlaps a shift this "
                                                                "worker is booked on; that booking is cancelled first"))
    current: dict[UUID, list] = {}
    for b in await workers_db.rosters_in(conn, list(blocks), lo, hi):
        current.setdefault(b.worker_id, []).append((b.starts_at, b.ends_at))
    for worker_id, worker_blocks in blocks.items():
        wanted = sorted((s, e) for s, e, _ in worker_blocks)
        if worker_id not in current:
            report.created += 1
        elif current[worker_id] == wanted:
            report.unchanged += 1
        else:
            report.updated += 1
    _finish(report, dry_run)
    changed = [w for w in blocks if current.get(w) != sorted((s, e) for s, e, _ in blocks[w])]
    if dry_run or not changed:
        return report
    async with conn.transaction():
        for worker_id in changed:
            await workers_db.lock(conn, worker_id)
        try:
            async with conn.transaction():
                await workers_db.replace_rosters(conn, changed, lo, hi, [(w, numbers[w], s, e) for w in changed
                                                                          for s, e, _ in blocks[w]])
        except asyncpg.ExclusionViolationError:
            raise Invalid([("blocks", "a block overlaps a secondment block of the same worker; the secondment's "
                                      "roster is planned by the borrowing organisation")]) from None
        await effects.record(conn, Event(organisation_id=organisation_id, shift_id=None, subject_type="organisation",
                                         subject_id=organisation_id, action="rosters-imported", actor=p.user_id, at=now,
                                         data={"from": lo.isoformat(), "to": hi.isoformat(), "workers": len(changed),
                                               "blocks": sum(len(blocks[w]) for w in changed)}, region_id=org.region_id))
    return report


async def may_import(conn: Connection, p: Principal, organisation_id: UUID) -> None:
    await access.organisation(conn, p, organisation_id, "orgAdmin")


def template(kind: str) -> bytes:
    columns, example = rules.WORKER_TEMPLATE if kind == "workers" else rules.ROSTER_TEMPLATE
    return tables.template(columns, example)
