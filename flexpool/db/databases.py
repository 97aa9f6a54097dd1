"""Databases on a PostgreSQL server, made and dropped whole: the test suite's and the benches' own."""
from __future__ import annotations

import urllib.parse

import asyncpg


def on_server(url: str, name: str) -> str:
    """`url` pointed at the database `name` of the same server."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))


async def recreate(server_url: str, name: str, *, template: str | None = None) -> str:
    """An empty database `name` (or a copy of `template`), dropped first if it exists; its URL."""
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        await conn.close()
    return on_server(server_url, name)


async def drop(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
