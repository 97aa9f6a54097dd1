"""Headers every answer carries: `X-Content-Type-Options: nosniff` everywhere, and `Cache-Control: no-store`
on the API's answers, which carry personal data (names, rosters, money) that no shared cache or browser
history should keep. A `before_send` hook, so that errors raised by middleware (a 401) get them too."""
from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

NO_STORE_PREFIXES = ("/v1/",)


async def security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Content-Type-Options"] = "nosniff"
    if scope["path"].startswith(NO_STORE_PREFIXES) and "cache-control" not in headers:
        headers["Cache-Control"] = "no-store"
