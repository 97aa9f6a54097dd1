"""The per-user limit on writes (CONTRACT.md: 429 `/problems/rate-limited` with Retry-After), as a token
bucket in PostgreSQL shared by every replica: FLEXPOOL_WRITE_RATE_PER_MINUTE writes a minute per
authenticated user (a fresh token is the same user), per address for a caller without one."""
from __future__ import annotations

import math
import re

from litestar.types import ASGIApp, Receive, Scope, Send

from api import request_connection
from api.problems import problem_body
from flexpool.db import rate_limits

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def subject_of(scope: Scope) -> str:
    """Whose bucket: the authenticated user (a fresh token is the same user), else the address."""
    user = scope.get("user")
    return f"user:{user.user_id}" if user is not None else f"ip:{(scope.get('client') or ('unknown',))[0]}"


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, exclude: list[str]) -> None:
        self.app = app
        self.exclude = re.compile("|".join(exclude))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in WRITES or self.exclude.match(scope["path"])
                or claims_with_key(scope)):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        per_minute = state.settings.write_rate_per_minute
        subject = subject_of(scope)
        left = await rate_limits.take(await request_connection.of(scope).get(), subject, per_minute)
        if left >= 0:
            await self.app(scope, receive, send)
            return
        await refuse(send, left, per_minute)


def claims_with_key(scope: Scope) -> bool:
    """A POST with an Idempotency-Key by a known caller: api.idempotency takes its token together with the
    claim of the key, in one statement."""
    return (scope["method"] == "POST" and scope.get("user") is not None
            and any(k == b"idempotency-key" for k, _ in scope["headers"]))


async def refuse(send: Send, left: float, per_minute: int) -> None:
    retry = max(1, math.ceil(-left * 60 / per_minute))
    body = problem_body("rate-limited", 429, "Too many changes in a short time; try again shortly.")
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"retry-after", str(retry).encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
