"""What operators watch besides HTTP timings: how accepts end, and why they are refused."""
from __future__ import annotations

import hmac
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from litestar import Controller, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ControllerRouterHandler
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest, start_http_server

from flexpool import metrics
from flexpool.config import Settings
from flexpool.metrics import SUPERVISED
from flexpool.services.errors import Conflict

Outcome = TypeVar("Outcome")

ACCEPTS = Counter("flexpool_accepts", "Accepts by outcome", ["outcome"])
REFUSALS = Counter("flexpool_refusals", "Refused accepts by the first blocker's problem type", ["type"])


async def counted_accept(accepting: Awaitable[Outcome], pending: Callable[[Outcome], bool]) -> Outcome:
    """An accept (of a shift or a series) counted by how it ended: booked, pending approval, or refused and why."""
    try:
        outcome = await accepting
    except Conflict as refused:
        ACCEPTS.labels("refused").inc()
        REFUSALS.labels(refused.slug).inc()
        raise
    ACCEPTS.labels("pending" if pending(outcome) else "booked").inc()
    return outcome


class MetricsController(Controller):
    """Prometheus text format; under `flexpool serve` the sum of every worker (flexpool.metrics)."""

    path = "/metrics"

    @get(media_type="text/plain", operation_id="MetricsGet", summary="Get")
    async def scrape(self) -> Response[str]:
        return Response(generate_latest(metrics.registry()).decode(), media_type=CONTENT_TYPE_LATEST)


def metrics_routes(settings: Settings) -> list[ControllerRouterHandler]:
    """`/metrics` on the API port: open in development, behind `FLEXPOOL_METRICS_TOKEN` when set; with
    `FLEXPOOL_METRICS_PORT` it is served on that port instead (`flexpool serve` starts it) and not here."""
    if settings.metrics_port is not None:
        return []
    if not settings.metrics_token:
        return [MetricsController]
    expected = settings.metrics_token.encode()

    def bearer_token(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
            raise NotAuthorizedException("The metrics need Authorization: Bearer <FLEXPOOL_METRICS_TOKEN>.")

    class GuardedMetrics(MetricsController):
        guards = [bearer_token]

    return [GuardedMetrics]


@asynccontextmanager
async def metrics_port(settings: Settings) -> AsyncIterator[None]:
    """`/metrics` on its own port (FLEXPOOL_METRICS_PORT), for a scraper on the internal network only."""
    if settings.metrics_port is None or os.environ.get(SUPERVISED):  # served by `flexpool serve` itself
        yield
        return
    server, thread = start_http_server(settings.metrics_port, addr=settings.host)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
