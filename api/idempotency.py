"""`Idempotency-Key` on POST: a repeat by the same user within 24 h gets the first answer, untouched.

The key row is inserted before the handler runs, so two concurrent repeats cannot both act: the second
sees the row without an answer yet and gets 409 idempotency-in-progress.
"""
from __future__ import annotations

import hashlib
import logging

import asyncpg
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api import rate_limit, request_connection
from api.problems import MEDIA_TYPE, problem_body
from flexpool.db import idempotency as keys

log = logging.getLogger("flexpool.api")



class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"idempotency-key"), None)
        user = scope.get("user")
        if key is None or user is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255:
            await _send(send, 422, problem_body("validation", 422, "Idempotency-Key must be 1 to 255 characters.",
                                                [("Idempotency-Key", "1 to 255 characters")]))
            return

        body = await _read_bounded(scope, receive)
        if body is None:
            await _send(send, 413, problem_body("too-large", 413, f"The body is larger than "
                                                                  f"{_limit(scope) // 1024} KiB."))
            return
        digest = hashlib.sha256(scope["method"].encode() + b" " + scope["path"].encode() + b"\n" + body).hexdigest()
        holder = request_connection.of(scope)
        per_minute = scope["app"].state.settings.write_rate_per_minute
        left, claimed, row = await keys.take_and_claim(await holder.get(), user.user_id, key, digest,
                                                       rate_limit.subject_of(scope), per_minute)
        if left < 0:
            await rate_limit.refuse(send, left, per_minute)
            return
        if not claimed:
            if row is None:  # claimed by a request that committed after this statement began
                await _send(send, 409, problem_body("idempotency-in-progress", 409, "Retry the request."),
                            [(b"retry-after", b"1")])
            elif row["request_hash"] != digest:
                await _send(send, 422, problem_body("idempotency-key-reuse", 422,
                                                    "This Idempotency-Key was already used with a different request."))
            elif row["status_code"] is None:
                await _send(send, 409, problem_body("idempotency-in-progress", 409,
                                                    "The first request with this Idempotency-Key is still running."),
                            [(b"retry-after", b"1")])
            else:
                await _send(send, row["status_code"], bytes(row["body"] or b""), [(b"idempotent-replay", b"true")],
                            content_type=row["content_type"])
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
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
            await _keep(holder, user.user_id, key, status, content_type, b"".join(out))


async def _keep(holder, user_id, key: str, status: int, content_type: str, body: bytes) -> None:
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


def _limit(scope: Scope) -> int:
    return scope["app"].state.settings.max_body_bytes


async def _read_bounded(scope: Scope, receive: Receive) -> bytes | None:
    """The whole body, or None as soon as it (or its announced length) passes the limit: the limit holds
    before anything is buffered, so a huge chunked upload costs no memory."""
    limit = _limit(scope)
    announced = next((v for k, v in scope["headers"] if k == b"content-length"), None)
    if announced is not None and (not announced.isdigit() or int(announced) > limit):
        return None
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _send(send: Send, status: int, body: bytes, headers=(), content_type: str = MEDIA_TYPE) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})
