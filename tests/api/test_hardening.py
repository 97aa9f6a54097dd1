"""Production hardening: token lifetimes, the metrics endpoint, docs without a CDN, response headers."""
import re
import urllib.request
from datetime import UTC, datetime, timedelta

import jwt
from litestar.testing import AsyncTestClient

from flexpool.services.regions import create_region
from tests.helpers import SECRET, auth
from tests.processes import free_port
from tests.scenarios import app_with


def token(claims: dict) -> dict:
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


async def test_tokens_without_exp_or_living_too_long_are_refused(client, pool):
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    now = datetime.now(UTC)
    assert (await client.get("/v1/me", headers=token({"sub": "coord@r.test", "iat": now}))).status_code == 401
    month = token({"sub": "coord@r.test", "iat": now, "exp": now + timedelta(days=30)})
    r = await client.get("/v1/me", headers=month)
    assert r.status_code == 401 and r.json()["type"] == "/problems/unauthenticated"
    no_iat = token({"sub": "coord@r.test", "exp": now + timedelta(days=2)})
    assert (await client.get("/v1/me", headers=no_iat)).status_code == 401
    day = token({"sub": "coord@r.test", "iat": now, "exp": now + timedelta(hours=23)})
    assert (await client.get("/v1/me", headers=day)).status_code == 200


async def test_metrics_behind_a_token(database_url):
    secret = "metrics-token-0123456789"
    async with AsyncTestClient(app=app_with(database_url, FLEXPOOL_METRICS_TOKEN=secret)) as c:
        assert (await c.get("/metrics")).status_code == 401
        assert (await c.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"})).status_code == 401
        r = await c.get("/metrics", headers={"Authorization": f"Bearer {secret}"})
        assert r.status_code == 200 and "flexpool_accepts" in r.text


async def test_metrics_on_their_own_port(database_url):
    port = free_port()
    async with AsyncTestClient(app=app_with(database_url, FLEXPOOL_METRICS_PORT=str(port))) as c:
        assert (await c.get("/metrics")).status_code == 404
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            assert resp.status == 200 and b"flexpool_accepts" in resp.read()


async def test_api_docs_need_no_third_party_cdn(client):
    for path in ("/schema", "/schema/swagger"):
        r = await client.get(path)
        assert r.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", r.text)
        assert urls and all(u.startswith("/schema/assets/") for u in urls), urls
        for u in urls:
            assert (await client.get(u)).status_code == 200, u
    assert "cdn." not in (await client.get("/schema")).text


async def test_security_headers(client, pool):
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    for path, headers in (("/health/live", {}), ("/v1/me", auth("coord@r.test")), ("/v1/me", {}),
                          ("/v1/nothing-here", auth("coord@r.test"))):
        r = await client.get(path, headers=headers)
        assert r.headers["x-content-type-options"] == "nosniff", path
        if path.startswith("/v1/"):
            assert r.headers["cache-control"] == "no-store", path


def test_a_remembered_token_still_expires(monkeypatch):
    """The verifier remembers tokens it verified; the remembered one ends at its `exp` all the same, and a
    forged token is never taken for a remembered one."""
    import time

    import pytest
    from litestar.exceptions import NotAuthorizedException

    from api import auth as auth_module
    from flexpool import config as config_module
    from flexpool.tokens import issue

    verifier = auth_module.TokenVerifier(config_module.load({"FLEXPOOL_JWT_SECRET": SECRET}))
    token = issue(SECRET, "late@mail.test", hours=1)
    assert verifier.subject(token) == "late@mail.test"
    assert token in verifier._verified
    assert verifier.subject(token) == "late@mail.test"
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(NotAuthorizedException):
        verifier.subject(forged)
    later = time.time() + 3601
    monkeypatch.setattr(auth_module.time, "time", lambda: later)
    with pytest.raises(NotAuthorizedException, match="expired"):
        verifier.subject(token)
