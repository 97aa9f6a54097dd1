"""The embedded PostgreSQL for the zero-setup start: a real server under ./.flexpool, via pgserver.

Every `flexpool` command in the same folder shares it; pgserver reference-counts the processes using it
and stops the server when the last one exits.
"""
from __future__ import annotations

import logging
import os
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

log = logging.getLogger("flexpool.db.embedded")

DATABASE = "flexpool"


def start(data_dir: Path, database: str = DATABASE) -> tuple[PostgresServer, str]:
    """Start (or join) the embedded server; return (server, asyncpg-style URL of `database`)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import pgserver  # imported lazily: production never needs it

    pgdata = data_dir / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    fresh = not (pgdata / "PG_VERSION").exists()
    if fresh:
        log.info("initialising embedded PostgreSQL in %s (first run, a few seconds)", pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return server, url_for(server, database)


def stop(server: PostgresServer) -> None:
    """Stop the embedded server when this process was its last user. pgserver keeps the pids of its users in
    a file; a process that was killed (kill -9) never removed its own, which kept the server running forever
    after `flexpool serve` ended: the pids of processes that no longer exist are dropped first."""
    handles = server.global_process_id_list
    alive = [pid for pid in handles.get() if pid == os.getpid() or _running(pid)]
    handles.put(alive)
    server._cleanup()  # pgserver's own exit handler: stops the server if no other user is left


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def url_for(server: PostgresServer, database: str) -> str:
    parsed = urllib.parse.urlparse(server.get_uri())
    query = urllib.parse.parse_qs(parsed.query)
    host = query["host"][0]
    return f"postgresql://postgres@/{database}?host={urllib.parse.quote(host)}"
