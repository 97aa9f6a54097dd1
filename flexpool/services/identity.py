"""Who a token's subject is, with the roles FlexPool's memberships give them."""
from __future__ import annotations

from flexpool.db import users as users_db
from flexpool.services.principal import Principal, Role


async def principal_for(conn, subject: str) -> Principal | None:
    user = await users_db.by_subject(conn, subject)
    if user is None:
        return None
    roles = await users_db.memberships(conn, user["id"])
    return Principal(user_id=user["id"], email=user["email"], name=user["name"], language=user["language"],
                     roles=tuple(Role(r["role"], r["organisation_id"], r["region_id"], r["organisation_name"])
                                 for r in roles))
