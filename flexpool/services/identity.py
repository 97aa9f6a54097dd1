"""Who a token's subject is, with the roles FlexPool's memberships give them."""
from __future__ import annotations

from uuid import UUID

from asyncpg import Connection

from flexpool.db import users as users_db
from flexpool.domain.vocabulary import ProblemType
from flexpool.services.errors import Conflict
from flexpool.services.principal import Principal, Role


async def principal_for(conn: Connection, subject: str) -> Principal | None:
    user = await users_db.principal_row(conn, subject)
    if user is None:
        return None
    return Principal(user_id=user.id, email=user.email, name=user.name, language=user.language,
                     roles=tuple(Role(r["role"], _uuid(r["organisation_id"]), UUID(r["region_id"]),
                                      r["organisation_name"]) for r in user.roles),
                     home_region_id=user.region_id)


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value is not None else None


def other_region() -> Conflict:
    return Conflict(ProblemType.OTHER_REGION, "This account belongs to another region; a user belongs to one region only.")


async def join_region(conn: Connection, user_id: UUID, region_id: UUID) -> None:
    """A user belongs to one region: the first grant settles it; a grant into another one is 409 other-region."""
    if not await users_db.join_region(conn, user_id, region_id):
        raise other_region()
