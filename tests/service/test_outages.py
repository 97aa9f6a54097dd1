"""When the database is away or busy: a 503 with Retry-After (not a 500 with a traceback per request), a
readiness that tells busy from down, and the embedded database that ends with `flexpool serve`."""
import logging
import signal

from flexpool.services.regions import create_region
from tests.helpers import auth
from tests.processes import alive, free_port, serve, user_environment, wait_ready


class FailingPool:
    """The app's pool, whose acquire fails the way a restart (refused) or a storm (timeout) makes it fail."""

    def __init__(self, pool, error):
        self.pool, self.error = pool, error

    def __getattr__(self, name):
        return getattr(self.pool, name)

    def acquire(self, *args, **kwargs):
        """Like asyncpg's: awaited (api.request_connection) or used with `async with` (health)."""
        return Failing(self.error)


class Failing:
    def __init__(self, error):
        self.error = error

    def __await__(self):
        raise self.error
        yield

    async def __aenter__(self):
        raise self.error

    async def __aexit__(self, *exc):
        return False


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


async def test_database_away_is_503_with_retry_after_and_busy_is_not_down(client, pool):
    lines = Lines()
    logging.getLogger("flexpool.api").addHandler(lines)
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    state = client.app.state
    original = state.pool
    try:
        state.pool = FailingPool(original, ConnectionRefusedError("connection refused"))
        for _ in range(3):
            r = await client.get("/v1/me", headers=auth("coord@r.test"))
            assert r.status_code == 503 and r.json()["type"] == "/problems/unavailable"
            assert r.headers["retry-after"] == "2" and "Traceback" not in r.text
        assert sum("database unavailable" in m for m in lines.messages) == 1  # one line, not one per request
        r = await client.get("/health/ready")
        assert r.status_code == 503 and r.json()["database"] == "unreachable"
        state.pool = FailingPool(original, TimeoutError())  # every connection held: busy
        r = await client.get("/health/ready")
        assert r.status_code == 200 and r.json() == {"status": "ok", "database": "busy"}
    finally:
        state.pool = original
        logging.getLogger("flexpool.api").removeHandler(lines)
    assert (await client.get("/v1/me", headers=auth("coord@r.test"))).status_code == 200
    assert (await client.get("/health/ready")).json()["database"] == "ok"


async def test_the_embedded_database_stops_with_the_service(tmp_path):
    """`flexpool serve` without a database URL starts its own PostgreSQL; SIGTERM ends both."""
    port = free_port()
    env = {k: v for k, v in user_environment().items() if not k.startswith("FLEXPOOL_DATABASE")}
    env.update(FLEXPOOL_DATA_DIR=str(tmp_path / "data"))
    proc = serve(port, env)
    pid_file = tmp_path / "data" / "pgdata" / "postmaster.pid"
    try:
        await wait_ready(proc, f"http://127.0.0.1:{port}", within=90)  # initdb first, then the service
        postmaster = int(pid_file.read_text().split()[0])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert not pid_file.exists()
        assert not alive(postmaster)
    finally:
        if proc.poll() is None:
            proc.kill()
