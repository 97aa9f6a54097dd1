"""Rate limits, CORS, and production identity through an OpenID Connect issuer's JWKS."""
import json
import threading
import time
from datetime import UTC, datetime, timedelta

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import AsyncTestClient

from flexpool.services.regions import create_region
from flexpool.tokens import issue
from tests.helpers import SECRET, auth
from tests.scenarios import app_with


async def test_writes_are_rate_limited_per_user(database_url, pool):
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
        await create_region(conn, "Regio", "other@r.test")
    issued = datetime.now(UTC)
    # A fresh token per request (as after every sign-in) is still the same user: the limit is per user.
    tokens = [issue(SECRET, "coord@r.test", now=issued - timedelta(minutes=i)) for i in range(4)]
    async with AsyncTestClient(app=app_with(database_url, FLEXPOOL_WRITE_RATE_PER_MINUTE="3")) as c:
        codes = [(await c.post("/v1/organisations", json={"name": f"Org {i}"},
                               headers={"Authorization": f"Bearer {token}"})).status_code
                 for i, token in enumerate(tokens)]
        assert codes == [201, 201, 201, 429]
        # Another user has a limit of their own; a forged token is refused before it counts for anyone.
        assert (await c.post("/v1/organisations", json={"name": "Org y"}, headers=auth("other@r.test"))).status_code == 201
        forged = {"Authorization": f"Bearer {issue('not-the-secret-but-32-bytes-long!', 'other@r.test')}"}
        assert [(await c.post("/v1/organisations", json={"name": "Org z"}, headers=forged)).status_code
                for _ in range(3)] == [401, 401, 401]
        assert (await c.post("/v1/organisations", json={"name": "Org w"}, headers=auth("other@r.test"))).status_code == 201
        r = await c.post("/v1/organisations", json={"name": "Org x"}, headers=auth("coord@r.test"))
        assert r.json()["type"] == "/problems/rate-limited" and int(r.headers["retry-after"]) > 0
        assert (await c.get("/v1/organisations", headers=auth("coord@r.test"))).status_code == 200  # reads are free


async def test_writes_with_an_idempotency_key_count_once_and_a_refused_one_claims_nothing(database_url, pool):
    """With a key, the token is taken together with the claim: a replay costs a token like any request,
    and a request refused by the limit leaves its key free for the retry after Retry-After."""
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    async with AsyncTestClient(app=app_with(database_url, FLEXPOOL_WRITE_RATE_PER_MINUTE="2")) as c:
        first = await c.post("/v1/organisations", json={"name": "Org a"},
                             headers={**auth("coord@r.test"), "Idempotency-Key": "a"})
        replay = await c.post("/v1/organisations", json={"name": "Org a"},
                              headers={**auth("coord@r.test"), "Idempotency-Key": "a"})
        assert first.status_code == replay.status_code == 201 and replay.headers["idempotent-replay"] == "true"
        assert replay.json() == first.json()
        refused = await c.post("/v1/organisations", json={"name": "Org b"},
                               headers={**auth("coord@r.test"), "Idempotency-Key": "b"})
        assert refused.status_code == 429 and refused.json()["type"] == "/problems/rate-limited"
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = 'b'") == 0
            await conn.execute("UPDATE rate_limits SET tokens = 2")  # the minute has passed
        retried = await c.post("/v1/organisations", json={"name": "Org b"},
                               headers={**auth("coord@r.test"), "Idempotency-Key": "b"})
        assert retried.status_code == 201 and retried.json()["name"] == "Org b"


async def test_cors_for_the_planners_web_client(database_url):
    async with AsyncTestClient(app=app_with(database_url, FLEXPOOL_CORS_ORIGINS="https://planning.example.nl")) as c:
        r = await c.options("/v1/shifts", headers={"Origin": "https://planning.example.nl",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "authorization,idempotency-key"})
        assert r.status_code in (200, 204)
        assert r.headers["access-control-allow-origin"] == "https://planning.example.nl"
        r = await c.options("/v1/shifts", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert r.headers.get("access-control-allow-origin") != "https://evil.example"


class Issuer:
    """A local OpenID Connect issuer: discovery document and JWKS."""

    def __init__(self):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}
        self.server = uvicorn.Server(uvicorn.Config(self.app, port=self.port, log_level="warning", lifespan="off",
                                                    interface="asgi3"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    async def app(self, scope, receive, send):
        body = {"/.well-known/openid-configuration": {"issuer": self.url, "jwks_uri": self.url + "/jwks"},
                "/jwks": self.jwks}.get(scope["path"])
        await send({"type": "http.response.start", "status": 200 if body else 404,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(body or {}).encode()})

    def token(self, sub, *, audience="flexpool-api", key=None, minutes=10):
        now = datetime.now(UTC)
        return jwt.encode({"sub": sub, "iss": self.url, "aud": audience, "iat": now,
                           "exp": now + timedelta(minutes=minutes)}, key or self.key, algorithm="RS256",
                          headers={"kid": "k1"})

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(5)


async def test_production_tokens_from_the_oidc_issuer(database_url, pool):
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    with Issuer() as issuer:
        app = app_with(database_url, FLEXPOOL_ENV="production", FLEXPOOL_JWT_SECRET="",
                       FLEXPOOL_OIDC_ISSUER=issuer.url, FLEXPOOL_OIDC_AUDIENCE="flexpool-api")
        async with AsyncTestClient(app=app) as c:
            ok = await c.get("/v1/me", headers={"Authorization": f"Bearer {issuer.token('coord@r.test')}"})
            assert ok.status_code == 200 and ok.json()["roles"][0]["role"] == "coordinator"
            wrong_aud = issuer.token("coord@r.test", audience="someone-else")
            assert (await c.get("/v1/me", headers={"Authorization": f"Bearer {wrong_aud}"})).status_code == 401
            forged = issuer.token("coord@r.test", key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
            assert (await c.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})).status_code == 401
            expired = issuer.token("coord@r.test", minutes=-1)
            r = await c.get("/v1/me", headers={"Authorization": f"Bearer {expired}"})
            assert r.status_code == 401 and "expired" in r.json()["detail"]
            # Without a shared secret configured, development tokens are refused.
            assert (await c.get("/v1/me", headers=auth("coord@r.test"))).status_code == 401
