"""Liveness and readiness for the orchestrator."""
from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.datastructures import State

from flexpool.services import database


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    database: str | None = None
    migration: str | None = None


@get("/health/live", exclude_from_auth=True, tags=["health"], summary="The process is alive")
async def live() -> Health:
    return Health(status="ok")


@get("/health/ready", exclude_from_auth=True, tags=["health"],
     summary="Database reachable, migrations current; `busy` when every pooled connection is in use")
async def ready(state: State) -> Response[Health]:
    try:
        async with state.pool.acquire(timeout=2) as conn:
            current = await database.schema_version(conn)
    except TimeoutError:
        # Every pooled connection is held (lock waits under a storm): busy is not down. One connection of
        # its own tells which it is.
        if await database.reachable(state.settings.database_url, timeout=2):
            return Response(Health(status="ok", database="busy"), status_code=200)
        return Response(Health(status="unavailable", database="unreachable"), status_code=503)
    except Exception:
        return Response(Health(status="unavailable", database="unreachable"), status_code=503)
    head = state.migration_head
    if current != head:
        return Response(Health(status="unavailable", database="ok", migration=f"{current} (want {head})"),
                        status_code=503)
    return Response(Health(status="ok", database="ok", migration=current))
