"""Alembic environment: hand-written SQL revisions, run over psycopg (multi-statement SQL is allowed there)."""
import os

from sqlalchemy import create_engine, pool

from alembic import context
from flexpool.db.urls import sqlalchemy_url


def _url() -> str:
    url = context.config.attributes.get("database_url") or os.environ.get("FLEXPOOL_DATABASE_URL")
    if not url:
        raise SystemExit("set FLEXPOOL_DATABASE_URL, or run `flexpool migrate` to use the embedded database")
    return sqlalchemy_url(url)


if context.is_offline_mode():
    raise SystemExit("offline mode is not supported; the revisions are plain SQL, read them directly")

engine = create_engine(_url(), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
