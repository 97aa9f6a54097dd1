"""Workers (pool members), their credentials, exclusions and home roster blocks."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one, referenced
from flexpool.domain.workers import CredentialRecord, HomeRoster

WORKER_COLUMNS = (
    "date_of_birth",
    "home_postcode",
    "home_latitude",
    "home_longitude",
    "function",
    "skills",
    "contract_minutes_per_week",
    "employer_opt_in",
    "worker_opt_in",
    "employee_number",
    "max_loan_minutes_per_month",
    "nights",
    "max_travel_km",
    "max_extra_minutes_per_week",
    "student_school",
    "student_level",
    "student_supervisor_function",
)


async def in_pool(conn: Connection, region_id: UUID, *, outside: UUID | None = None, organisation_kind: str | None = None,
                  function: str | None = None) -> list:
    """Ids of the region's workers in the pool (in their order of joining), optionally only those of other
    organisations than `outside`, of one kind of organisation, or of one function."""
    rows = await conn.fetch(
        "SELECT w.id FROM workers w JOIN organisations o ON o.id = w.organisation_id WHERE w.region_id = $1 "
        "AND w.opted_in AND ($2::uuid IS NULL OR w.organisation_id <> $2) AND ($3::text IS NULL OR o.kind = $3) "
        "AND ($4::text IS NULL OR w.function = $4) ORDER BY w.no", region_id, outside, organisation_kind, function)
    return [r["id"] for r in rows]


class Inserted(msgspec.Struct, frozen=True):
    """A new worker: its id, and the number the roster's and the bookings' exclusion constraints range over."""

    id: UUID
    no: int


async def insert(conn: Connection, *, user_id: UUID, organisation_id: UUID, region_id: UUID,
                 fields: dict[str, Any]) -> Inserted:
    """`fields`: worker columns by name (WorkerDetails.given(), or the demo's); the rest take their defaults."""
    assert set(fields) <= set(WORKER_COLUMNS)
    cols = ["user_id", "organisation_id", "region_id", *fields]
    values = [user_id, organisation_id, region_id, *fields.values()]
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    return referenced(one(Inserted, await conn.fetchrow(
        f"INSERT INTO workers ({', '.join(cols)}) VALUES ({placeholders}) RETURNING id, no", *values)),
                      "the worker", "just inserted")


async def update(conn: Connection, worker_id: UUID, fields: dict) -> None:
    if not fields:
        return
    assert set(fields) <= set(WORKER_COLUMNS)
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(fields, start=2))
    await conn.execute(f"UPDATE workers SET {sets}, updated_at = now() WHERE id = $1", worker_id, *fields.values())


async def replace_credentials(conn: Connection, worker_id: UUID, credentials: list[CredentialRecord]) -> None:
    await conn.execute("DELETE FROM credentials WHERE worker_id = $1", worker_id)
    await conn.executemany("INSERT INTO credentials (worker_id, kind, number, valid_until) VALUES ($1, $2, $3, $4)",
                           [(worker_id, c.kind, c.number, c.valid_until) for c in credentials])


async def replace_exclusions(conn: Connection, worker_id: UUID, organisation_ids: list[UUID]) -> None:
    await conn.execute("DELETE FROM worker_excluded_organisations WHERE worker_id = $1", worker_id)
    await conn.executemany("INSERT INTO worker_excluded_organisations (worker_id, organisation_id) VALUES ($1, $2)",
                           [(worker_id, o) for o in organisation_ids])


class AcceptingWorker(msgspec.Struct, frozen=True, kw_only=True):
    """What every check of an accept reads of a worker, and what a booking writes: the accept storm's hot path
    loads only this (flexpool.db.accepts), not the worker's pages' fields."""

    id: UUID
    no: int  # a bigint twin of the id for the exclusion constraint on bookings
    user_id: UUID
    name: str
    organisation_id: UUID  # the home employer
    region_id: UUID
    function: str
    skills: list[str]
    credentials: list[dict[str, Any]]  # {kind, number, validUntil}
    date_of_birth: date | None
    home_latitude: float | None
    home_longitude: float | None
    opted_in: bool  # both: the employer's consent binds, the worker's own preference narrows it
    max_loan_minutes_per_month: int | None
    nights: bool
    max_travel_km: int | None
    excluded_organisation_ids: list[UUID]
    blocked_by: list[UUID]
    favourite_of: list[UUID]
    student_supervisor_function: str | None  # a student: who must supervise them, at least


class Worker(AcceptingWorker, frozen=True, kw_only=True):
    """A pool member with everything the worker's own pages and the home employer's read as well."""

    email: str
    language: str
    employee_number: str | None
    contract_minutes_per_week: int
    home_postcode: str | None
    employer_opt_in: bool
    worker_opt_in: bool
    max_extra_minutes_per_week: int | None
    availability: list[list[int]]  # [weekday, start minute, length]
    student_school: str | None  # a student (stagepool, BBL) sees only shifts that welcome students
    student_level: str | None
    ended_at: datetime | None
    erased_at: datetime | None
    created_at: datetime
    updated_at: datetime


_COMPUTED = {
    "email": "u.email", "name": "u.name", "language": "u.language",
    "credentials": """coalesce((SELECT json_agg(json_build_object('kind', c.kind, 'number', c.number,
                                                      'validUntil', c.valid_until) ORDER BY c.kind, c.valid_until)
                       FROM credentials c WHERE c.worker_id = w.id), '[]')""",
    "excluded_organisation_ids": """ARRAY(SELECT e.organisation_id FROM worker_excluded_organisations e
                                      WHERE e.worker_id = w.id ORDER BY e.organisation_id)""",
    "blocked_by": "ARRAY(SELECT b.organisation_id FROM blocked_workers b WHERE b.worker_id = w.id)",
    "favourite_of": "ARRAY(SELECT f.organisation_id FROM favourites f WHERE f.worker_id = w.id)",
    "availability": """coalesce((SELECT json_agg(json_build_array(a.weekday, a.start_minute, a.length_minutes)
                                         ORDER BY a.weekday, a.start_minute)
                        FROM availability_windows a WHERE a.worker_id = w.id), '[]')""",
}
def columns(model: type[AcceptingWorker]) -> str:
    """The select list of a worker read model over `workers w JOIN users u`."""
    return ",\n       ".join(f"{_COMPUTED.get(f, 'w.' + f)} AS {f}" for f in model.__struct_fields__)


COLUMNS = columns(Worker)
_FULL = f"SELECT {COLUMNS}\nFROM workers w JOIN users u ON u.id = w.user_id\n"


async def get(conn: Connection, worker_id: UUID, organisation_id: UUID | None = None) -> Worker | None:
    if organisation_id is None:
        return one(Worker, await conn.fetchrow(_FULL + " WHERE w.id = $1", worker_id))
    return one(Worker, await conn.fetchrow(_FULL + " WHERE w.id = $1 AND w.organisation_id = $2", worker_id,
                                           organisation_id))


async def known(conn: Connection, worker_id: UUID) -> Worker:
    """A worker reached through a row that points at them (a lock just taken, an audience found)."""
    return referenced(await get(conn, worker_id), "worker", worker_id)


async def by_user(conn: Connection, user_id: UUID) -> Worker | None:
    """The user's current worker profile (an ended one is history, not a worker)."""
    return one(Worker, await conn.fetchrow(_FULL + " WHERE w.user_id = $1 AND w.ended_at IS NULL", user_id))


async def lock(conn: Connection, worker_id: UUID) -> int | None:
    """Serialise one worker's bookings: every booking path takes this row lock first. The worker's number
    (None: no such worker)."""
    return await conn.fetchval("SELECT no FROM workers WHERE id = $1 FOR UPDATE", worker_id)


async def list_for_organisation(conn: Connection, organisation_id: UUID, *, after: tuple[str, UUID] | None = None,
                                limit: int = 50) -> list[Worker]:
    if after:
        return many(Worker, await conn.fetch(_FULL + " WHERE w.organisation_id = $1 AND (u.name, w.id) > ($2, $3) "
                                             "ORDER BY u.name, w.id LIMIT $4", organisation_id, after[0], after[1],
                                             limit))
    return many(Worker, await conn.fetch(_FULL + " WHERE w.organisation_id = $1 ORDER BY u.name, w.id LIMIT $2",
                                         organisation_id, limit))


async def replace_roster(conn: Connection, worker_id: UUID, worker_no: int, roster: HomeRoster) -> None:
    await conn.execute("DELETE FROM roster_blocks WHERE worker_id = $1 AND starts_at >= $2 AND starts_at < $3 "
                       "AND secondment_id IS NULL", worker_id, roster.starts, roster.ends)
    await conn.executemany("INSERT INTO roster_blocks (worker_id, worker_no, starts_at, ends_at) VALUES ($1, $2, $3, $4)",
                           [(worker_id, worker_no, b.starts_at, b.ends_at) for b in roster.blocks])


class RosterBlock(msgspec.Struct, frozen=True):
    """A block of the home employer's roster: work that counts in every working-time check. (A secondment's
    blocks share the table and count the same, but belong to the secondment: flexpool.db.secondments.)"""

    starts_at: datetime
    ends_at: datetime


class PoolStanding(msgspec.Struct, frozen=True):
    """The few facts a planner's direct booking checks before locking anything."""

    id: UUID
    opted_in: bool
    organisation_id: UUID


class ExpiringCredential(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: str
    valid_until: date
    user_id: UUID
    organisation_id: UUID
    name: str  # the worker's


async def roster(conn: Connection, worker_id: UUID, lo: datetime, hi: datetime) -> list[RosterBlock]:
    return many(RosterBlock, await conn.fetch("SELECT starts_at, ends_at FROM roster_blocks WHERE worker_id = $1 "
                                              "AND secondment_id IS NULL "
                                              "AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at",
                                              worker_id, lo, hi))


async def in_region(conn: Connection, worker_id: UUID, region_id: UUID | None) -> PoolStanding | None:
    return one(PoolStanding, await conn.fetchrow(
        "SELECT id, opted_in, organisation_id FROM workers WHERE id = $1 AND region_id = $2 AND ended_at IS NULL",
        worker_id, region_id))


async def credentials_expiring(conn: Connection, first_day: date, last_day: date) -> list[ExpiringCredential]:
    """Credentials whose last valid day lies in [first_day, last_day], with their worker."""
    return many(ExpiringCredential, await conn.fetch(
        "SELECT c.id, c.kind, c.valid_until, w.user_id, w.organisation_id, u.name FROM credentials c "
        "JOIN workers w ON w.id = c.worker_id JOIN users u ON u.id = w.user_id "
        "WHERE c.valid_until >= $1 AND c.valid_until <= $2", first_day, last_day))



async def belongs_to(conn: Connection, worker_id: UUID, organisation_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM workers WHERE id = $1 AND organisation_id = $2",
                                    worker_id, organisation_id))



async def replace_availability(conn: Connection, worker_id: UUID, windows: list[tuple[int, int, int]]) -> None:
    """(weekday, start minute, length in minutes) per window; none: any time suits."""
    await conn.execute("DELETE FROM availability_windows WHERE worker_id = $1", worker_id)
    await conn.executemany("INSERT INTO availability_windows (worker_id, weekday, start_minute, length_minutes) "
                           "VALUES ($1, $2, $3, $4)", [(worker_id, *w) for w in windows])


async def end(conn: Connection, worker_id: UUID, now: datetime) -> None:
    await conn.execute("UPDATE workers SET ended_at = $2, updated_at = $2 WHERE id = $1", worker_id, now)


class ImportedWorker(msgspec.Struct, frozen=True, kw_only=True):
    """A current worker with what a workers import compares and may change."""

    id: UUID
    no: int
    user_id: UUID
    employee_number: str | None
    email: str
    name: str
    function: str
    contract_minutes_per_week: int
    date_of_birth: date | None
    home_postcode: str | None
    skills: list[str]
    employer_opt_in: bool
    vog_valid_until: date | None
    has_vog: bool


class Created(msgspec.Struct, frozen=True):
    id: UUID
    user_id: UUID


class KnownWorker(msgspec.Struct, frozen=True):
    """A current worker as a roster import finds them: by personnel number or e-mail (lower case)."""

    id: UUID
    no: int
    employee_number: str | None
    email: str


class WorkerBlock(msgspec.Struct, frozen=True):
    worker_id: UUID
    starts_at: datetime
    ends_at: datetime


async def for_import(conn: Connection, organisation_id: UUID) -> list[ImportedWorker]:
    """The organisation's current workers with what an import compares."""
    return many(ImportedWorker, await conn.fetch(
        "SELECT w.id, w.no, w.user_id, w.employee_number, u.email, u.name, w.function, w.contract_minutes_per_week, "
        "w.date_of_birth, w.home_postcode, w.skills, w.employer_opt_in, "
        "(SELECT max(c.valid_until) FROM credentials c WHERE c.worker_id = w.id AND c.kind = 'vog') AS vog_valid_until, "
        "EXISTS (SELECT 1 FROM credentials c WHERE c.worker_id = w.id AND c.kind = 'vog') AS has_vog "
        "FROM workers w JOIN users u ON u.id = w.user_id WHERE w.organisation_id = $1 AND w.ended_at IS NULL",
        organisation_id))


async def insert_many(conn: Connection, organisation_id: UUID, region_id: UUID, rows: list[tuple]) -> list[Created]:
    """rows: (user_id, employee_number, function, contract minutes, date of birth, postcode, skills as text,
    employer_opt_in); one statement for the whole file. Returns (id, user_id)."""
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    return many(Created, await conn.fetch(
        "INSERT INTO workers (user_id, organisation_id, region_id, employee_number, function, "
        "contract_minutes_per_week, date_of_birth, home_postcode, skills, employer_opt_in) "
        "SELECT u, $1, $2, e, f, c, d, p, string_to_array(s, ','), o FROM unnest($3::uuid[], $4::text[], $5::text[], "
        "$6::int[], $7::date[], $8::text[], $9::text[], $10::bool[]) AS t(u, e, f, c, d, p, s, o) "
        "RETURNING id, user_id", organisation_id, region_id, *[list(c) for c in columns]))


async def update_many(conn: Connection, rows: list[tuple]) -> None:
    """rows: (worker_id, employee_number, function, contract minutes, date of birth, postcode, skills, opt-in)."""
    await conn.executemany(
        "UPDATE workers SET employee_number = $2, function = $3, contract_minutes_per_week = $4, date_of_birth = $5, "
        "home_postcode = $6, skills = $7, employer_opt_in = $8, updated_at = now() WHERE id = $1", rows)


async def set_vog_many(conn: Connection, rows: list[tuple]) -> None:
    """rows: (worker_id, valid_until): the VOG on file becomes this one."""
    await conn.executemany("DELETE FROM credentials WHERE worker_id = $1 AND kind = 'vog'", [(r[0],) for r in rows])
    await conn.executemany("INSERT INTO credentials (worker_id, kind, valid_until) VALUES ($1, 'vog', $2)", rows)


async def by_keys(conn: Connection, organisation_id: UUID, employee_numbers: list[str], emails: list[str]) -> list[KnownWorker]:
    """Current workers of the organisation by personnel number or e-mail (lower case), for a roster import."""
    return many(KnownWorker, await conn.fetch(
        "SELECT w.id, w.no, w.employee_number, lower(u.email) AS email FROM workers w JOIN users u ON u.id = w.user_id "
        "WHERE w.organisation_id = $1 AND w.ended_at IS NULL "
        "AND (w.employee_number = ANY($2::text[]) OR lower(u.email) = ANY($3::text[]))",
        organisation_id, employee_numbers, emails))


async def rosters_in(conn: Connection, worker_ids: list, lo: datetime, hi: datetime) -> list[WorkerBlock]:
    """The home roster blocks of these workers starting in [lo, hi) (what a roster import replaces)."""
    return many(WorkerBlock, await conn.fetch(
        "SELECT worker_id, starts_at, ends_at FROM roster_blocks WHERE worker_id = ANY($1::uuid[]) "
        "AND secondment_id IS NULL AND starts_at >= $2 AND starts_at < $3 ORDER BY worker_id, starts_at",
        worker_ids, lo, hi))


async def replace_rosters(conn: Connection, worker_ids: list, lo: datetime, hi: datetime, blocks: list[tuple]) -> None:
    """blocks: (worker_id, worker_no, starts_at, ends_at); COPY, since a rostering export has tens of thousands."""
    await conn.execute("DELETE FROM roster_blocks WHERE worker_id = ANY($1::uuid[]) AND starts_at >= $2 "
                       "AND starts_at < $3 AND secondment_id IS NULL", worker_ids, lo, hi)
    await conn.copy_records_to_table("roster_blocks", records=blocks,
                                     columns=["worker_id", "worker_no", "starts_at", "ends_at"])
