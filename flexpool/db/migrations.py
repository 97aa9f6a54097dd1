"""Run the Alembic revisions programmatically and tell whether a database is at head."""
from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from asyncpg import Connection

from alembic import command

ROOT = Path(__file__).resolve().parents[2]


def config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Blocking; call from a thread when an event loop is running."""
    command.upgrade(config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(config(url), revision)


def head() -> str:
    current = ScriptDirectory.from_config(config("")).get_current_head()
    assert current is not None, "alembic/versions has no head"
    return current


async def current(conn: Connection) -> str | None:
    exists = await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    if not exists:
        return None
    return await conn.fetchval("SELECT version_num FROM alembic_version")
