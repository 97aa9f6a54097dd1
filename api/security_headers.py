"""Headers every answer carries: `X-Content-Type-Options: nosniff` everywhere, and `Cache-Control: no-store`
on the API's answers, which carry personal data (names, rosters, money) that no shared cache or browser
history should keep. An answer that sets its own Cache-Control keeps it."""
from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE_PREFIXES = ("/v1/",)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith(NO_STORE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                if no_store and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
