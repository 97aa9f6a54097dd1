"""The `flexpool` command: serve, migrate, region create, token, demo."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time

from flexpool import config as config_module
from flexpool import metrics, tokens
from flexpool.config import Settings
from flexpool.db import embedded, migrations
from flexpool.db.regions import Region
from flexpool.serve import SUPERVISOR
from flexpool.services.errors import ServiceError

log = logging.getLogger("flexpool")


def _step(message: str) -> contextlib.AbstractContextManager[None]:
    """Progress for anything that can take more than a second."""

    class _Step:
        def __enter__(self) -> None:
            self.t = time.monotonic()
            print(f"… {message}", file=sys.stderr, flush=True)

        def __exit__(self, *exc: object) -> None:
            if exc[0] is None:
                print(f"✓ {message} ({time.monotonic() - self.t:.1f} s)", file=sys.stderr, flush=True)

    return _Step()


_EMBEDDED: list[object] = []


def database_url(settings: Settings) -> str:
    """The configured URL, or the embedded PostgreSQL under the data folder (started if needed)."""
    if settings.database_url:
        return settings.database_url
    with _step(f"starting embedded PostgreSQL in {settings.data_dir}"):
        server, url = embedded.start(settings.data_dir)
    _EMBEDDED.append(server)  # keep a reference: the server stops when the last user exits
    return url


def _migrate(url: str) -> None:
    with _step("applying database migrations"):
        migrations.upgrade(url)


# A worker that has not stopped this long after SIGTERM is killed: now and then (most often right after a
# burst of requests) one of Granian's workers misses the stop and would hold the shutdown, and the embedded
# database, forever. Requests are short; Kubernetes allows 30 s in all.
KILL_AFTER_SECONDS = 5


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    url = database_url(settings)
    if args.demo:
        cmd_demo(args, settings, url=url)  # migrates first
    else:
        _migrate(url)
    os.environ["FLEXPOOL_DATABASE_URL"] = url
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    # The app reads its settings itself: links it hands out (calendar feeds) use the port it listens on.
    os.environ["FLEXPOOL_HOST"], os.environ["FLEXPOOL_PORT"] = host, str(port)
    print(f"FlexPool on http://{host}:{port} with {workers} worker process{'es' if workers > 1 else ''}  "
          f"(API docs: /schema, readiness: /health/ready)", flush=True)
    # Granian (HTTP in Rust) on uvloop: measured against uvicorn with uvloop and httptools in bench/accept_storm
    # (README, "Speed"). It never closes an idle keep-alive connection itself, so a client reusing one is never
    # reset unanswered. It stops gracefully on SIGTERM/SIGINT and returns, and the embedded database below stops.
    server = Granian("flexpool.serve:app", factory=True, address=host, port=port, interface=Interfaces.ASGI,
                     workers=workers, loop=Loops.uvloop, backlog=4096, log_access=False,
                     respawn_failed_workers=True, workers_kill_timeout=KILL_AFTER_SECONDS)
    os.environ[SUPERVISOR] = str(os.getpid())  # the workers end with this process (flexpool.serve)
    try:
        with metrics.shared_between(workers, settings):
            server.serve()
    finally:
        embedded_server = getattr(database_url, "server", None)
        if embedded_server is not None:  # the embedded database ends with the service (Ctrl+C, SIGTERM)
            with _step("stopping embedded PostgreSQL"):
                embedded.stop(embedded_server)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    _migrate(database_url(settings))
    return 0


def cmd_region(args: argparse.Namespace, settings: Settings) -> int:
    from flexpool.services import regions

    url = database_url(settings)
    _migrate(url)

    async def run() -> Region:
        from flexpool.db.pool import connect
        conn = await connect(url)
        try:
            return await regions.create_region(conn, args.name, args.coordinator)
        finally:
            await conn.close()

    try:
        region = asyncio.run(run())
    except ServiceError as refused:
        print(refused.detail, file=sys.stderr)
        return 2
    print(f"region {region.name} ({region.id}) with coordinator {args.coordinator}")
    if settings.jwt_secret:
        print(tokens.issue(settings.jwt_secret, args.coordinator))
    else:  # production with an OIDC issuer only: FlexPool signs no tokens of its own
        print("the coordinator signs in through the OIDC issuer", file=sys.stderr)
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    if settings.production:
        print("development tokens are not issued in production; use the OIDC issuer", file=sys.stderr)
        return 2
    hours = min(args.hours or settings.token_max_hours, settings.token_max_hours)
    assert settings.jwt_secret, "outside production the development secret is the default"
    print(tokens.issue(settings.jwt_secret, args.email, hours=hours))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings, url: str | None = None) -> int:
    from flexpool import demo

    url = url or database_url(settings)
    if url is None:
        return 1
    _migrate(url)
    with _step("loading the demo region (about 300 workers, shifts, rosters)"):
        summary = asyncio.run(demo.load(url))
    if summary is None:
        print("the demo region already exists; tokens:", file=sys.stderr)
        summary = asyncio.run(demo.people(url))
    for role, email in summary.items():
        token = tokens.issue(settings.jwt_secret, email) if settings.jwt_secret else "(sign in through the OIDC issuer)"
        print(f"{role:12} {email}\n  token: {token}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("pgserver", "alembic", "apscheduler", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="flexpool", description="FlexPool: the regional flex pool for care.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API and the background work")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--demo", action="store_true", help="load the demo region first (once)")
    serve.add_argument("--workers", type=int, default=None,
                       help="HTTP processes (default: FLEXPOOL_WORKERS, else the number of cores)")
    sub.add_parser("migrate", help="apply the database migrations")
    region = sub.add_parser("region", help="manage regions")
    region_sub = region.add_subparsers(dest="region_command", required=True)
    create = region_sub.add_parser("create", help="create a region and its first coordinator")
    create.add_argument("name")
    create.add_argument("--coordinator", required=True, metavar="EMAIL")
    token = sub.add_parser("token", help="print a development token for a user")
    token.add_argument("email")
    token.add_argument("--hours", type=int, default=None,
                       help="lifetime; at most FLEXPOOL_TOKEN_MAX_HOURS (default: that maximum)")
    sub.add_parser("demo", help="load the demo region")
    args = parser.parse_args(argv)
    try:
        settings = config_module.load()
    except config_module.ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    handler = {"serve": cmd_serve, "migrate": cmd_migrate, "region": cmd_region, "token": cmd_token,
               "demo": cmd_demo}[args.command]
    return handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
