"""`flexpool region create` as an operator runs it: in development it prints the coordinator's token; in
production with an OIDC issuer only, FlexPool signs no tokens and says where to sign in instead."""
import subprocess
import sys

import asyncpg

from tests.processes import user_environment

FLEXPOOL = [sys.executable, "-c", "import sys; from flexpool.cli import main; sys.exit(main())"]


def create_region(database_url: str, name: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*FLEXPOOL, "region", "create", name, "--coordinator", f"coordinator@{name.lower()}.example"],
                          env=user_environment(FLEXPOOL_DATABASE_URL=database_url, **env), capture_output=True,
                          text=True, timeout=60)


async def test_a_region_is_created_with_or_without_a_signing_secret(database_url):
    development = create_region(database_url, "Eemland")
    assert development.returncode == 0, development.stderr
    assert development.stdout.count(".") >= 2 and "Eemland" in development.stdout  # a JWT: header.claims.signature

    production = create_region(database_url, "Gooi", FLEXPOOL_ENV="production",
                               FLEXPOOL_OIDC_ISSUER="https://login.example.org/realms/zorg", FLEXPOOL_JWT_SECRET="")
    assert production.returncode == 0, production.stderr
    assert "Gooi" in production.stdout and "OIDC issuer" in production.stderr
    assert len(production.stdout.strip().splitlines()) == 1  # the region, and no token

    conn = await asyncpg.connect(database_url)
    try:
        names = {r["name"] for r in await conn.fetch("SELECT name FROM regions")}
    finally:
        await conn.close()
    assert {"Eemland", "Gooi"} <= names
