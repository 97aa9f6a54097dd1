"""Faults, on this machine, bounded: a PostgreSQL of its own restarted fast and immediate under concurrent
accepts, the service killed with SIGKILL mid-storm, and dispatchers of three processes folding offers.

Each storm asserts: no 500 ever; every 2xx booking is in the database; every booking in the database was
answered 2xx (a request whose answer was lost is retried with the same Idempotency-Key and gets the
committed booking back); no double booking; the service serves again within 5 s of PostgreSQL being back."""
import asyncio
import random
import signal
import time
import urllib.parse
from datetime import UTC, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from flexpool.db import migrations
from flexpool.db.pool import create_pool
from tests.helpers import Region, auth, future
from tests.processes import alive, free_port, serve, user_environment

pytestmark = pytest.mark.slow

WORKERS, SHIFTS, PLACES = 24, 8, 2


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory):
    """A PostgreSQL server of this module's own, which the tests may restart."""
    from pgserver import get_server
    server = get_server(tmp_path_factory.mktemp("faults") / "pgdata", cleanup_mode="stop")
    yield server
    server.cleanup()


def restart(server, mode: str) -> None:
    from pgserver._commands import pg_ctl
    pg_ctl(["-w", "-m", mode, "restart"], pgdata=server.pgdata, user=server.system_user)


def database(server, name: str) -> str:
    parsed = urllib.parse.urlparse(server.get_uri())
    host = urllib.parse.parse_qs(parsed.query)["host"][0]
    server.psql(f'DROP DATABASE IF EXISTS "{name}";')
    server.psql(f'CREATE DATABASE "{name}";')
    url = f"postgresql://postgres@/{name}?host={urllib.parse.quote(host)}"
    migrations.upgrade(url)
    return url


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Service:
    """`flexpool serve` as users start it, that the test may kill and start again."""

    def __init__(self, url: str):
        self.url, self.port, self.proc = url, free_port(), None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log = open(f"/tmp/flexpool-faults-{self.port}.log", "ab")
        self.proc = serve(self.port, user_environment(FLEXPOOL_DATABASE_URL=self.url), log=self.log)

    async def ready(self, within: float = 30) -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=2) as c:
            while time.monotonic() - started < within:
                try:
                    if (await c.get(self.base + "/health/ready")).status_code == 200:
                        return time.monotonic() - started
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)  # polling for readiness, the thing being measured
        raise AssertionError("the service did not become ready")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


async def seed(url: str, base: str) -> tuple[list[str], list[str]]:
    pool = await create_pool(url, min_size=1, max_size=4)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            region = await Region(c).setup(pool)
            for i in range(WORKERS):
                await region.worker("Thuiszorg West", f"storm{i}")
            planner = auth(region.orgs["Zonnehuis"]["planner"])
            shifts = []
            for i in range(SHIFTS):
                start = future(2 + i, 7)
                r = await c.post("/v1/shifts", headers=planner, json={
                    "siteId": region.sites["Zonnehuis"]["id"], "function": "verzorgende-ig", "urgent": True,
                    "startsAt": start.isoformat(), "endsAt": (start + timedelta(hours=8)).isoformat(),
                    "breakMinutes": 30, "places": PLACES})
                assert r.status_code == 201, r.text
                shifts.append(r.json()["id"])
    finally:
        await pool.close()
    return [f"storm{i}@mail.test" for i in range(WORKERS)], shifts


class Storm:
    """Every worker accepts every shift, concurrently; a lost or 503 answer is retried with the same key."""

    def __init__(self, base: str | list[str], workers: list[str], shifts: list[str]):
        self.bases = [base] if isinstance(base, str) else list(base)  # several: replicas behind a balancer
        self.workers, self.shifts = workers, shifts
        self.answers: dict[tuple[str, str], tuple[int, dict]] = {}
        self.statuses: list[int] = []
        self.transport_errors = 0
        self.done = 0

    async def one(self, client, worker: str, shift: str) -> None:
        key = f"{worker}:{shift}"
        deadline = time.monotonic() + 60
        attempt = 0
        while time.monotonic() < deadline:
            base = self.bases[(hash(key) + attempt) % len(self.bases)]  # a retry may land on another replica
            attempt += 1
            try:
                r = await client.post(f"{base}/v1/shifts/{shift}/accept",
                                      headers={**auth(worker), "Idempotency-Key": key})
            except httpx.TransportError:
                self.transport_errors += 1
                await asyncio.sleep(0.1)  # the service or database is restarting: the client backs off
                continue
            self.statuses.append(r.status_code)
            if r.json().get("type") in ("/problems/unavailable", "/problems/idempotency-in-progress",
                                        "/problems/rate-limited"):
                await asyncio.sleep(min(float(r.headers.get("retry-after", "1")), 3))  # as a client should
                continue
            self.answers[(worker, shift)] = (r.status_code, r.json())
            self.done += 1
            return
        raise AssertionError(f"no definite answer for {key}")

    async def run(self, concurrency: int = 24) -> None:
        jobs = [(w, s) for s in self.shifts for w in random.Random(1).sample(self.workers, len(self.workers))]
        queue: asyncio.Queue = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=15, limits=limits) as client:
            async def worker_loop():
                while not queue.empty():
                    w, s = queue.get_nowait()
                    await self.one(client, w, s)
            await asyncio.gather(*(worker_loop() for _ in range(concurrency)))


async def storm_through(url: str, share: int, fault) -> tuple[Storm, float]:
    """A service on `url`, seeded, with a storm running; once the storm has 1/`share` of its answers,
    `fault(service)` strikes and says how long the service took to serve again. The storm then runs to its
    end and the database is checked against every answer."""
    service = Service(url)
    service.start()
    try:
        await service.ready()
        workers, shifts = await seed(url, service.base)
        storm = Storm(service.base, workers, shifts)
        running = asyncio.create_task(storm.run())
        while storm.done < len(workers) * len(shifts) // share:
            await asyncio.sleep(0.01)  # let part of the storm through before the fault
        back = await fault(service)
        await asyncio.wait_for(running, 120)
        await check(url, storm)
        return storm, back
    finally:
        service.stop()


async def check(url: str, storm: Storm) -> None:
    assert 500 not in storm.statuses and all(s < 500 or s == 503 for s in storm.statuses)
    conn = await asyncpg.connect(url)
    try:
        booked = await conn.fetch("SELECT a.id::text AS id, u.email, a.shift_id::text AS shift FROM assignments a "
                                  "JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id "
                                  "WHERE a.status = 'booked'")
        filled = await conn.fetch("SELECT places, places_filled FROM shifts")
    finally:
        await conn.close()
    answered = {(w, s): body["id"] for (w, s), (code, body) in storm.answers.items() if code == 201}
    in_db = {(r["email"], r["shift"]): r["id"] for r in booked}
    assert answered == in_db  # every 2xx is in the database, and every booking was answered 2xx
    assert len(booked) == SHIFTS * PLACES and all(f["places_filled"] == f["places"] for f in filled)
    assert all(code in (201, 409) for code, _ in storm.answers.values())


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_postgresql_restarted_under_concurrent_accepts(own_postgres, mode):
    async def restarted(service: Service) -> float:
        await asyncio.to_thread(restart, own_postgres, mode)
        return await service.ready(within=15)

    storm, back = await storm_through(database(own_postgres, f"restart_{mode}"), 4, restarted)
    assert back < 5, f"serving again {back:.1f} s after PostgreSQL was back"
    print(f"restart {mode}: {len(storm.statuses)} answers, {sum(1 for s in storm.statuses if s == 503)} x 503, "
          f"{storm.transport_errors} transport errors, serving again after {back:.2f} s")


async def test_the_service_killed_mid_storm(own_postgres):
    async def killed(service: Service) -> float:
        workers = children(service.proc.pid)
        assert workers, "flexpool serve runs its HTTP workers as processes of their own"
        service.kill()
        for _ in range(200):  # the kernel ends them with their supervisor (PR_SET_PDEATHSIG)
            if not any(alive(pid) for pid in workers):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError(f"workers {workers} outlived their killed supervisor")
        service.start()
        return await service.ready()

    storm, back = await storm_through(database(own_postgres, "killed"), 3, killed)
    print(f"SIGKILL: {len(storm.statuses)} answers, {storm.transport_errors} transport errors, "
          f"serving again after {back:.2f} s")


async def test_three_api_processes_on_one_database(own_postgres):
    url = database(own_postgres, "three")
    services = [Service(url) for _ in range(3)]
    for service in services:
        service.start()
    try:
        for service in services:
            await service.ready()
        workers, shifts = await seed(url, services[0].base)
        storm = Storm([s.base for s in services], workers, shifts)
        await asyncio.wait_for(storm.run(concurrency=36), 120)
        await check(url, storm)
        print(f"three processes: {len(storm.statuses)} answers, {sum(1 for s in storm.statuses if s == 201)} booked")
    finally:
        for service in services:
            service.stop()


async def test_three_dispatchers_fold_offers_as_one(pool, database_url, fake_fcm, fcm_sender):
    """Dispatchers of three processes (each its own pool) on one database: every user with three offers
    pending gets one push (the 15-minute fold), never one per dispatcher."""
    from notifications.dispatcher import Dispatcher
    from tests.scenarios import NOW, enqueue, offer_data, user

    users = [await user(pool, f"fold{i}@x.test", devices=[f"fold-{i}"]) for i in range(400)]
    for uid in users:
        for n in range(3):
            await enqueue(pool, uid, key=f"offer:{n}", data=offer_data(n), now=NOW)
    pools = [await create_pool(database_url, min_size=1, max_size=4) for _ in range(3)]
    try:
        dispatchers = [Dispatcher(p, fcm_sender, batch=100, rng=random.Random(i)) for i, p in enumerate(pools)]

        async def drain(d, at):
            while await d.run_once(at) > 0:
                pass
        await asyncio.gather(*(drain(d, NOW) for d in dispatchers))
        # A user another dispatcher was deciding for is looked at again a moment later (2 s), as the dispatchers'
        # loop does, until every offer is either folded or waits for the user's 15 minutes: still one push.
        # (Three dispatchers may again meet on one user in a later round, so the rounds go on until settled.)
        for round_ in range(1, 31):
            await asyncio.gather(*(drain(d, NOW + timedelta(seconds=5 * round_)) for d in dispatchers))
            async with pool.acquire() as conn:
                if not await conn.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending' "
                                           "AND due_at < $1", NOW + timedelta(minutes=15)):
                    break
    finally:
        for p in pools:
            await p.close()
    pushes = {}
    for record in fake_fcm.delivered:
        pushes[record["token"]] = pushes.get(record["token"], 0) + 1
    assert len(pushes) == 400 and set(pushes.values()) == {1}
    async with pool.acquire() as conn:
        states = dict(await conn.fetch("SELECT status, count(*) FROM notifications GROUP BY status"))
        early = await conn.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending' "
                                    "AND due_at < $1", NOW + timedelta(minutes=15))
    # What was not folded at once waits for the end of the user's 15 minutes, to go out as one push then.
    assert states["sent"] == 400 and states["folded"] + states.get("pending", 0) == 800 and early == 0


async def test_the_service_killed_mid_fan_out_delivers_everything_once(database_url, pool, fake_fcm, tmp_path):
    """A real `flexpool serve` (scheduler and dispatcher) killed with SIGKILL while a batch is out at FCM:
    after a restart every notification is delivered, each exactly once (the killed batch never reached a
    phone: FCM had not answered it), once its short lease has run out."""
    from datetime import datetime

    from flexpool.db import outbox
    from tests.fake_fcm import service_account

    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        for i in range(120):
            uid = await conn.fetchval("INSERT INTO users (email, name) VALUES ($1, 'P') RETURNING id", f"p{i}@x.test")
            await conn.execute("INSERT INTO devices (token, user_id, platform) VALUES ($1, $2, 'android')",
                               f"phone-{i}", uid)
            await outbox.enqueue(conn, user_ids=[uid], kind="booked", dedupe_key=f"booked:{i}", urgent=True, now=now,
                                 data={"shiftId": f"00000000-0000-0000-0000-{i:012d}", "function": "helpende",
                                       "startsAt": "2027-01-04T07:00:00+01:00", "endsAt": "2027-01-04T15:00:00+01:00"})
    credentials = service_account(tmp_path / "sa.json", fake_fcm.url + "/token")
    fake_fcm.default = "hang"
    port = free_port()
    env = user_environment(FLEXPOOL_DATABASE_URL=database_url, GOOGLE_APPLICATION_CREDENTIALS=credentials,
                           FLEXPOOL_FCM_ENDPOINT=fake_fcm.url)
    first = serve(port, env)
    second = None
    try:
        assert await asyncio.to_thread(fake_fcm.wait_received, 1, 60)  # a batch is out, FCM not answering
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = {r["token"] for r in fake_fcm.received}
        # Requests the killed process wrote but the fake has not read yet are still in socket buffers: they
        # must stay unanswered too (FCM never answered the killed batch), so they are told by their token.
        fake_fcm.hanging.add(f"Bearer {fake_fcm.access_token}")
        fake_fcm.access_token = "fake-access-token-after-restart"
        fake_fcm.default = "ok"
        fake_fcm.release.set()  # the killed process's requests end unanswered
        second = serve(port, env)
        started = time.monotonic()
        while len({r["token"] for r in fake_fcm.delivered}) < 120 and time.monotonic() - started < 90:
            await asyncio.sleep(0.2)  # waiting for the lease of the killed batch (30 s) and the resend
        tokens = [r["token"] for r in fake_fcm.delivered]
        assert sorted(set(tokens)) == sorted(f"phone-{i}" for i in range(120))
        assert len(tokens) == 120  # nothing delivered twice
        # FCM has answered the last push; the dispatcher records the outcomes right after, in a transaction
        # of its own: wait for that commit (bounded), then every notification must be sent.
        for _ in range(300):
            async with pool.acquire() as conn:
                states = dict(await conn.fetch("SELECT status, count(*) FROM notifications GROUP BY status"))
            if "sending" not in states:
                break
            await asyncio.sleep(0.1)
        assert states == {"sent": 120}
        print(f"SIGKILL mid-fan-out: {len(in_flight)} pushes in flight when killed, all 120 delivered once, "
              f"{time.monotonic() - started:.1f} s after the restart")
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
