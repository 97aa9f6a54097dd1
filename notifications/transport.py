"""The network under firebase-admin's HTTP client: aiohttp instead of httpcore.

firebase-admin sends each message as one HTTPX request. HTTPX builds the request (URL, OAuth header, JSON
body) and hands it to a transport; httpcore's transport spends over a millisecond of CPU per request
managing its pool, which made the fan-out of an urgent shift last minutes (bench/push_fanout). This
transport sends the request HTTPX built with aiohttp (its HTTP parser in C, one keep-alive pool) and gives
HTTPX the answer, so everything firebase-admin does above the socket stays as it is.
"""
from __future__ import annotations

import aiohttp
import httpx


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, connections: int = 100, timeout: float = 10.0) -> None:
        self.connections = connections
        # Per operation, as HTTPX counts it: waiting for one of the pooled connections is not the request's
        # time (a batch of 500 queues behind 100 connections), and a request that timed out while FCM was
        # in fact answering would be sent again.
        self.timeout = aiohttp.ClientTimeout(total=None, connect=timeout, sock_connect=timeout, sock_read=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        """Opened on first use, on the loop that sends (firebase-admin creates its client outside one)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections, ttl_dns_cache=300),
                timeout=self.timeout, auto_decompress=True, skip_auto_headers=("User-Agent",))
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        try:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                       if k.lower() not in (b"host", b"content-length")]
            async with self._open().request(request.method, str(request.url), headers=headers,
                                            data=body, allow_redirects=False) as answer:
                content = await answer.read()
                kept = [(k, v) for k, v in answer.raw_headers
                        if k.lower() not in (b"content-encoding", b"transfer-encoding", b"content-length")]
                return httpx.Response(answer.status, headers=kept, content=content, request=request)
        except aiohttp.ServerTimeoutError as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from exc
        except TimeoutError as exc:
            raise httpx.TimeoutException(str(exc), request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise httpx.NetworkError(str(exc), request=request) from exc

    async def aclose(self) -> None:
        """Closes the session on the loop that opened it; firebase-admin's own close (from another loop,
        asyncio.run in a thread) finds it closed already."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            try:
                await session.close()
            except RuntimeError:  # called from another event loop: the owning loop is gone with its sockets
                pass
