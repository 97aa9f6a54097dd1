"""Users and their role memberships: roles come from here, never from the token."""
from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.callers import changes_callers
from flexpool.db.rows import many, one
from flexpool.domain.vocabulary import Digest, Language, Role


class User(msgspec.Struct, frozen=True, kw_only=True):
    """A person with an account; what they may do lives in memberships, never in the token."""

    id: UUID
    email: str
    name: str
    language: Language
    quiet_from: time | None
    quiet_to: time | None
    digest: Digest
    calendar_secret: str
    region_id: UUID | None  # set by the first grant or accepted invitation: a user belongs to one region
    erased_at: datetime | None
    created_at: datetime


class PrincipalRow(msgspec.Struct, frozen=True, kw_only=True):
    """A user with every membership: what a request's caller is built from (one round trip)."""

    id: UUID
    email: str
    name: str
    language: Language
    region_id: UUID | None
    roles: list[dict[str, Any]]  # {role, organisation_id, region_id, organisation_name}


USER = "SELECT " + ", ".join(User.__struct_fields__) + " FROM users"


async def a_planner_email(conn: Connection, organisation_id: UUID, role: str = "planner") -> str | None:
    """One member of the organisation with the role (a planner, unless said otherwise), the same every time."""
    return await conn.fetchval("SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id "
                               "WHERE m.organisation_id = $1 AND m.role = $2 ORDER BY u.email LIMIT 1",
                               organisation_id, role)


@changes_callers
async def get_or_create(conn: Connection, email: str, name: str) -> User:
    row = one(User, await conn.fetchrow(USER + " WHERE lower(email) = lower($1)", email))
    if row:
        return row
    return User(**await conn.fetchrow(
        "INSERT INTO users (email, name) VALUES ($1, $2) "
        "ON CONFLICT ((lower(email))) DO UPDATE SET email = users.email RETURNING "
        + ", ".join(User.__struct_fields__), email, name))


def _subject(subject: str) -> tuple[str, object] | None:
    """A JWT `sub` is the user's id or e-mail address: the condition that finds them, and its value."""
    if "@" in subject:
        return "lower(u.email) = lower($1)", subject
    try:
        return "u.id = $1", UUID(subject)
    except ValueError:
        return None


async def by_subject(conn: Connection, subject: str) -> User | None:
    found = _subject(subject)
    return one(User, await conn.fetchrow(f"{USER} u WHERE {found[0]}", found[1])) if found else None


async def by_calendar_secret(conn: Connection, secret: str) -> User | None:
    return one(User, await conn.fetchrow(USER + " WHERE calendar_secret = $1", secret))


PRINCIPAL = """
SELECT u.id, u.email, u.name, u.language, u.region_id,
       coalesce((SELECT json_agg(json_build_object('role', m.role, 'organisation_id', m.organisation_id,
                                                   'region_id', m.region_id, 'organisation_name', o.name)
                                 ORDER BY m.role, o.name)
                 FROM memberships m LEFT JOIN organisations o ON o.id = m.organisation_id
                 WHERE m.user_id = u.id), '[]'::json) AS roles
FROM users u
"""


async def principal_row(conn: Connection, subject: str) -> PrincipalRow | None:
    """The user a JWT `sub` (id or email) names, with every membership: one round trip per request."""
    found = _subject(subject)
    return one(PrincipalRow, await conn.fetchrow(f"{PRINCIPAL} WHERE {found[0]}", found[1])) if found else None


@changes_callers
async def join_region(conn: Connection, user_id: UUID, region_id: UUID) -> bool:
    """A user belongs to one region: the first grant settles it; False when they belong to another one.
    (Memberships and worker profiles reference (user, region), so the database refuses it too.)"""
    return await conn.fetchval(
        "UPDATE users SET region_id = $2 WHERE id = $1 AND (region_id IS NULL OR region_id = $2) RETURNING true",
        user_id, region_id) is not None


async def belongs_elsewhere(conn: Connection, user_id: UUID, organisation_id: UUID) -> bool:
    """Whether the user has any role or worker profile at an organisation other than this one."""
    return await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND organisation_id IS DISTINCT FROM $2) "
        "OR EXISTS (SELECT 1 FROM workers WHERE user_id = $1 AND organisation_id <> $2 AND ended_at IS NULL)",
        user_id,
        organisation_id,
    )


@changes_callers
async def grant(conn: Connection, user_id: UUID, region_id: UUID, organisation_id: UUID | None, role: str) -> None:
    """Settles the user's region if it was open; a user of another region fails on the foreign key
    (services ask `join_region` first to answer 409 other-region)."""
    await conn.execute("UPDATE users SET region_id = $2 WHERE id = $1 AND region_id IS NULL", user_id, region_id)
    if organisation_id is None:
        await conn.execute(
            "INSERT INTO memberships (user_id, region_id, organisation_id, role) VALUES ($1, $2, NULL, $3) "
            "ON CONFLICT (user_id, region_id, role) WHERE organisation_id IS NULL DO NOTHING",
            user_id, region_id, role)
    else:
        await conn.execute(
            "INSERT INTO memberships (user_id, region_id, organisation_id, role) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (user_id, organisation_id, role) WHERE organisation_id IS NOT NULL DO NOTHING",
            user_id, region_id, organisation_id, role)


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """Someone with roles at an organisation (or in the region, for its own roles)."""

    id: UUID
    email: str
    name: str
    roles: list[Role]


async def members_of(conn: Connection, organisation_id: UUID) -> list[Member]:
    return many(Member, await conn.fetch(
        "SELECT u.id, u.email, u.name, array_agg(m.role ORDER BY m.role) AS roles "
        "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 "
        "GROUP BY u.id ORDER BY u.name, u.id", organisation_id))


@changes_callers
async def update_preferences(conn: Connection, user_id: UUID, *, language: str | None = None,
                             quiet: tuple[time | None, time | None] | None = None, digest: str | None = None) -> None:
    if language is not None:
        await conn.execute("UPDATE users SET language = $2 WHERE id = $1", user_id, language)
    if digest is not None:
        await conn.execute("UPDATE users SET digest = $2 WHERE id = $1", user_id, digest)
    if quiet is not None:
        await conn.execute("UPDATE users SET quiet_from = $2, quiet_to = $3 WHERE id = $1", user_id, *quiet)


async def rotate_calendar_secret(conn: Connection, user_id: UUID, secret: str) -> str:
    return await conn.fetchval(
        "UPDATE users SET calendar_secret = $2 WHERE id = $1 RETURNING calendar_secret", user_id, secret)



@changes_callers
async def rename(conn: Connection, user_id: UUID, name: str) -> None:
    await conn.execute("UPDATE users SET name = $2 WHERE id = $1", user_id, name)


@changes_callers
async def revoke(conn: Connection, user_id: UUID, organisation_id: UUID, roles: list[str]) -> list[str]:
    """Removes those roles of the user at the organisation; returns the ones that were there."""
    rows = await conn.fetch("DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 "
                            "AND role = ANY($3::text[]) RETURNING role", user_id, organisation_id, roles)
    return sorted(r["role"] for r in rows)


async def count_role(conn: Connection, organisation_id: UUID, role: str) -> int:
    return await conn.fetchval("SELECT count(*) FROM memberships WHERE organisation_id = $1 AND role = $2",
                               organisation_id, role)


async def roles_at(conn: Connection, user_id: UUID, organisation_id: UUID) -> list[str]:
    return [r["role"] for r in await conn.fetch(
        "SELECT role FROM memberships WHERE user_id = $1 AND organisation_id = $2 ORDER BY role", user_id,
        organisation_id)]


class Account(msgspec.Struct, frozen=True):
    """An account found by e-mail (`key`, lower case) for an import: its region, and whether it holds anything
    (a role or a current worker profile), in which case the person is invited rather than enrolled."""

    id: UUID
    key: str
    region_id: UUID | None
    tied: bool


class NewAccount(msgspec.Struct, frozen=True):
    id: UUID
    key: str


async def by_emails(conn: Connection, emails: list[str]) -> list[Account]:
    """Accounts of these addresses (lower case), with whether they hold anything at all."""
    return many(Account, await conn.fetch(
        "SELECT u.id, lower(u.email) AS key, u.region_id, "
        "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id) "
        "OR EXISTS (SELECT 1 FROM workers w WHERE w.user_id = u.id AND w.ended_at IS NULL) AS tied "
        "FROM users u WHERE lower(u.email) = ANY($1::text[])", emails))


@changes_callers
async def insert_many(conn: Connection, region_id: UUID, people: list[tuple[str, str]]) -> list[NewAccount]:
    """New accounts (email, name) of one region."""
    if not people:
        return []
    emails, names = zip(*people, strict=True)
    return many(NewAccount, await conn.fetch(
        "INSERT INTO users (email, name, region_id) SELECT e, n, $1 FROM unnest($2::text[], $3::text[]) AS t(e, n) "
        "RETURNING id, lower(email) AS key", region_id, list(emails), list(names)))


@changes_callers
async def rename_many(conn: Connection, rows: list[tuple]) -> None:
    await conn.executemany("UPDATE users SET name = $2 WHERE id = $1", rows)


@changes_callers
async def grant_many(conn: Connection, region_id: UUID, organisation_id: UUID, role: str, user_ids: list) -> None:
    await conn.execute(
        "UPDATE users SET region_id = $1 WHERE id = ANY($2::uuid[]) AND region_id IS NULL", region_id, user_ids)
    await conn.execute(
        "INSERT INTO memberships (user_id, region_id, organisation_id, role) SELECT u, $1, $2, $3 "
        "FROM unnest($4::uuid[]) AS u ON CONFLICT (user_id, organisation_id, role) WHERE organisation_id IS NOT NULL "
        "DO NOTHING", region_id, organisation_id, role, user_ids)


async def region_role_holders(conn: Connection, region_id: UUID, role: Role) -> list[Member]:
    return many(Member, await conn.fetch(
        "SELECT u.id, u.email, u.name, ARRAY[m.role] AS roles FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE m.region_id = $1 AND m.organisation_id IS NULL AND m.role = $2 ORDER BY u.name, u.id", region_id, role))


@changes_callers
async def revoke_region_role(conn: Connection, user_id: UUID, region_id: UUID, role: str) -> bool:
    return await conn.execute("DELETE FROM memberships WHERE user_id = $1 AND region_id = $2 AND role = $3 "
                              "AND organisation_id IS NULL", user_id, region_id, role) != "DELETE 0"
