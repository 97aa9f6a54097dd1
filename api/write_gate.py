"""The gate every write passes: the per-user write limit and `Idempotency-Key` on POST, in one middleware.

- **Write limit** (CONTRACT.md: 429 `/problems/rate-limited` with Retry-After): a token bucket in PostgreSQL
  shared by every replica, FLEXPOOL_WRITE_RATE_PER_MINUTE writes a minute per authenticated user (a fresh
  token is the same user), per address for a caller without one.
- **Idempotency-Key** on POST: a repeat by the same user within 24 h gets the first answer, untouched. The
  key row is claimed before the handler runs, so two concurrent repeats cannot both act: the second sees the
  row without an answer yet and gets 409 idempotency-in-progress. The claim takes the write limit's token in
  the same statement (one round trip for both).
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
from typing import Any, cast

import asyncpg
from litestar.types import ASGIApp, HTTPRequestEvent, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send

from api import request_connection
from api.problems import MEDIA_TYPE, problem_body
from flexpool.db import idempotency as keys
from flexpool.db import rate_limits
from flexpool.domain.vocabulary import ProblemType

log = logging.getLogger("flexpool.api")

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class WriteGateMiddleware:
    def __init__(self, app: ASGIApp, exclude: list[str]) -> None:
        self.app = app
        self.exclude = re.compile("|".join(exclude))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        http = cast(HTTPScope, scope)
        if http["method"] not in WRITES or self.exclude.match(http["path"]):
            await self.app(scope, receive, send)
            return
        key = _idempotency_key(http)
        user = http.get("user")
        if http["method"] == "POST" and key is not None and user is not None:
            await self._once(http, receive, send, user.user_id, key)
        else:
            await self._limited(http, receive, send)

    async def _limited(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        """A write without a key: one token of the caller's bucket, or 429."""
        per_minute = _settings(scope).write_rate_per_minute
        left = await rate_limits.take(await request_connection.of(scope).get(), _subject(scope), per_minute)
        if left < 0:
            await _refuse(send, left, per_minute)
            return
        await self.app(scope, receive, send)

    async def _once(self, scope: HTTPScope, receive: Receive, send: Send, user_id: Any, key: str) -> None:
        """A keyed POST: refused, answered as the first time, or run once with its answer kept."""
        if not 1 <= len(key) <= 255:
            await _send(send, 422, problem_body(ProblemType.VALIDATION, 422, "Idempotency-Key must be 1 to 255 characters.",
                                                [("Idempotency-Key", "1 to 255 characters")]))
            return
        body = await _read_bounded(scope, receive)
        if body is None:
            await _send(send, 413, problem_body(ProblemType.TOO_LARGE, 413, f"The body is larger than "
                                                                  f"{_settings(scope).max_body_bytes // 1024} KiB."))
            return
        digest = hashlib.sha256(scope["method"].encode() + b" " + scope["path"].encode() + b"\n" + body).hexdigest()
        holder = request_connection.of(scope)
        per_minute = _settings(scope).write_rate_per_minute
        claim = await keys.take_and_claim(await holder.get(), user_id, key, digest, _subject(scope), per_minute)
        if claim.tokens < 0:
            await _refuse(send, claim.tokens, per_minute)
        elif not claim.claimed:
            await _answer_repeat(send, claim.earlier, digest)
        else:
            await self._run_and_keep(scope, receive, send, body, holder, user_id, key)

    async def _run_and_keep(self, scope: HTTPScope, receive: Receive, send: Send, body: bytes,
                            holder: request_connection.RequestConnection, user_id: Any, key: str) -> None:
        """Run the request on the body already read, pass its answer on and keep a copy for repeats."""
        replayed = False

        async def replay() -> ReceiveMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                whole: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
                return whole
            return await receive()

        status, content_type, out = 500, "application/json", []

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for k, v in message.get("headers", []):
                    if k.lower() == b"content-type":
                        content_type = v.decode()
            elif message["type"] == "http.response.body":
                out.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay, capture)
        finally:
            await _keep(holder, user_id, key, status, content_type, b"".join(out))


def _idempotency_key(scope: HTTPScope) -> str | None:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == b"idempotency-key"), None)


def _subject(scope: HTTPScope) -> str:
    """Whose bucket: the authenticated user (a fresh token is the same user), else the address."""
    user = scope.get("user")
    return f"user:{user.user_id}" if user is not None else f"ip:{(scope.get('client') or ('unknown',))[0]}"


def _settings(scope: HTTPScope) -> Any:
    return scope["app"].state.settings


async def _answer_repeat(send: Send, earlier: keys.KeptAnswer | None, digest: str) -> None:
    """The key was used before: the first answer, or why there is none to give."""
    if earlier is None:  # claimed by a request that committed after this statement began
        await _send(send, 409, problem_body(ProblemType.IDEMPOTENCY_IN_PROGRESS, 409, "Retry the request."),
                    [(b"retry-after", b"1")])
    elif earlier.request_hash != digest:
        await _send(send, 422, problem_body(ProblemType.IDEMPOTENCY_KEY_REUSE, 422,
                                            "This Idempotency-Key was already used with a different request."))
    elif earlier.status_code is None:
        await _send(send, 409, problem_body(ProblemType.IDEMPOTENCY_IN_PROGRESS, 409,
                                            "The first request with this Idempotency-Key is still running."),
                    [(b"retry-after", b"1")])
    else:
        await _send(send, earlier.status_code, bytes(earlier.body or b""), [(b"idempotent-replay", b"true")],
                    content_type=earlier.content_type or MEDIA_TYPE)


async def _keep(holder: request_connection.RequestConnection, user_id: Any, key: str, status: int,
                content_type: str, body: bytes) -> None:
    """Keep the answer for repeats; a 5xx is forgotten, so a retry runs again (and the use case gives back
    what was committed). When the database is away the answer has gone out all the same: the key stays
    unanswered and a retry takes it over after `ABANDONED`."""
    try:
        conn = await holder.get()
        if status >= 500:
            await keys.forget(conn, user_id, key)
        else:
            await keys.answer(conn, user_id, key, status, content_type, body)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        log.debug("the answer to Idempotency-Key %r could not be kept (%s)", key[:40], exc)


async def _read_bounded(scope: HTTPScope, receive: Receive) -> bytes | None:
    """The whole body, or None as soon as it (or its announced length) passes the limit: the limit holds
    before anything is buffered, so a huge chunked upload costs no memory."""
    limit = _settings(scope).max_body_bytes
    announced = next((v for k, v in scope["headers"] if k == b"content-length"), None)
    if announced is not None and (not announced.isdigit() or int(announced) > limit):
        return None
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        chunk = cast(bytes, message.get("body", b""))
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = bool(message.get("more_body", False))
    return b"".join(chunks)


async def _refuse(send: Send, left: float, per_minute: int) -> None:
    retry = max(1, math.ceil(-left * 60 / per_minute))
    await _send(send, 429, problem_body(ProblemType.RATE_LIMITED, 429, "Too many changes in a short time; try again shortly."),
                [(b"retry-after", str(retry).encode())])


async def _send(send: Send, status: int, body: bytes, headers: tuple[tuple[bytes, bytes], ...] | list = (),
                content_type: str = MEDIA_TYPE) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
