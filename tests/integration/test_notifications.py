"""Push through the real firebase-admin client against the fake FCM server: delivery, pruning, retries,
dead letters, a dispatcher killed mid-batch, quiet hours, digest, folding, urgency, LISTEN/NOTIFY."""
import asyncio
import random
from datetime import UTC, datetime, time, timedelta

import pytest
from prometheus_client import REGISTRY

from flexpool.domain import delivery
from flexpool.domain.clock import AMSTERDAM
from notifications.dispatcher import LEASE, Dispatcher
from notifications.fcm import FcmSender
from tests.scenarios import NOW, enqueue, offer_data, user


async def status(pool, uid):
    async with pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch("SELECT id, kind, status, due_at, attempts, title, body "
                                                  "FROM notifications WHERE user_id = $1 ORDER BY id", uid)]


def pushed(outcome: str) -> float:
    return REGISTRY.get_sample_value("flexpool_pushes_total", {"outcome": outcome}) or 0.0


async def test_delivery_to_every_device_with_dutch_text(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "a@x.test", devices=["phone-1", "tablet-1"])
    assert await enqueue(pool, uid) == 1
    assert await enqueue(pool, uid) == 0  # the same event is written once
    sent_before = pushed("sent")
    assert await Dispatcher(pool, fcm_sender).run_once(NOW) == 1
    assert pushed("sent") - sent_before == 2  # operators see it on /metrics
    assert sorted(m["token"] for m in fake_fcm.delivered) == ["phone-1", "tablet-1"]
    message = fake_fcm.delivered[0]["message"]
    assert message["notification"]["title"] == "Nieuwe dienst: wo 25 nov 07:00–15:00, Verzorgende IG, De Linde"
    assert message["data"]["type"] == "offer" and message["data"]["shiftId"].endswith("000000")
    assert message["android"]["priority"] == "normal"
    assert fake_fcm.delivered[0]["authorization"] == "Bearer fake-access-token"
    [n] = await status(pool, uid)
    assert n["status"] == "sent"
    # Nothing is sent twice on the next round.
    assert await Dispatcher(pool, fcm_sender).run_once(NOW + timedelta(hours=1)) == 0
    assert len(fake_fcm.received) == 2


async def test_english_and_high_priority_for_a_release(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "b@x.test", devices=["p"], language="en")
    await enqueue(pool, uid, kind="released", key="released:1", data={**offer_data(), "reason": "ward closed"})
    await Dispatcher(pool, fcm_sender).run_once(NOW)
    message = fake_fcm.delivered[0]["message"]
    assert message["notification"]["title"] == "You were released from a shift"
    assert "Wed 25 Nov 07:00–15:00" in message["notification"]["body"]
    assert message["android"]["priority"] == "high" and message["apns"]["headers"]["apns-priority"] == "10"


async def test_unregistered_token_is_removed(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "c@x.test", devices=["gone", "alive"])
    fake_fcm.plan("gone", "unregistered")
    await enqueue(pool, uid)
    await Dispatcher(pool, fcm_sender).run_once(NOW)
    async with pool.acquire() as conn:
        assert [r["token"] for r in await conn.fetch("SELECT token FROM devices WHERE user_id = $1", uid)] == ["alive"]
        deliveries = dict(await conn.fetch("SELECT token, status FROM notification_deliveries"))
    assert deliveries == {"gone": "unregistered", "alive": "sent"}
    assert (await status(pool, uid))[0]["status"] == "sent"


async def test_429_retries_after_retry_after_and_only_the_failed_device(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "d@x.test", devices=["busy", "fine"])
    fake_fcm.plan("busy", "429:120")
    await enqueue(pool, uid)
    dispatcher = Dispatcher(pool, fcm_sender, rng=random.Random(1))
    await dispatcher.run_once(NOW)
    [n] = await status(pool, uid)
    assert n["status"] == "pending" and n["due_at"] >= NOW + timedelta(seconds=120) and n["attempts"] == 1
    assert await dispatcher.run_once(NOW + timedelta(seconds=60)) == 0  # not due yet
    await dispatcher.run_once(n["due_at"])
    assert (await status(pool, uid))[0]["status"] == "sent"
    assert len(fake_fcm.delivered_to("fine")) == 1 and len(fake_fcm.delivered_to("busy")) == 1


async def test_an_fcm_outage_longer_than_six_attempts_still_delivers(pool, fake_fcm, fcm_sender):
    """Temporary errors are retried as long as the message matters (until the shift starts), not a fixed
    number of times: after ten 503s FCM recovers and the push goes out."""
    uid = await user(pool, "e@x.test", devices=["down"])
    fake_fcm.plan("down", *["503"] * 10)
    await enqueue(pool, uid, kind="booked", key="booked:outage", urgent=True,
                  data=offer_data() | {"startsAt": (NOW + timedelta(days=3)).isoformat()})
    dispatcher = Dispatcher(pool, fcm_sender, rng=random.Random(2))
    now = NOW
    for attempt in range(1, 12):
        await dispatcher.run_once(now)
        [n] = await status(pool, uid)
        assert n["attempts"] == attempt
        if attempt <= 10:
            assert n["status"] == "pending" and n["due_at"] > now
            now = n["due_at"]
    assert n["status"] == "sent" and len(fake_fcm.delivered_to("down")) == 1
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM notifications WHERE status = 'dead'") == 0


async def test_a_message_that_stopped_mattering_expires_instead_of_dead_lettering(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "f@x.test", devices=["down"])
    fake_fcm.default = "503"
    start = NOW + timedelta(minutes=30)
    await enqueue(pool, uid, kind="reminder", key="reminder:soon", data=offer_data() | {"startsAt": start.isoformat()})
    dispatcher = Dispatcher(pool, fcm_sender, rng=random.Random(5))
    now = NOW
    while (await status(pool, uid))[0]["status"] == "pending":
        await dispatcher.run_once(now)
        now = max(now, (await status(pool, uid))[0]["due_at"])
    [n] = await status(pool, uid)
    assert n["status"] == "expired" and now < start + timedelta(hours=1)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM notifications WHERE status = 'dead'") == 0


def test_backoff_grows_with_jitter_and_honours_retry_after():
    rng = random.Random(3)
    delays = [delivery.backoff(a, None, rng).total_seconds() for a in range(1, 8)]
    assert all(5 <= d <= 10 * 2 ** (a - 1) for a, d in zip(range(1, 8), delays, strict=True))
    assert delays[-1] > delays[0]
    assert delivery.backoff(1, 300, rng) >= timedelta(seconds=300)


async def test_dispatcher_killed_mid_batch_sends_nothing_twice(pool, fake_fcm, fcm_sender):
    uids = [await user(pool, f"k{i}@x.test", devices=[f"dev-{i}"]) for i in range(3)]
    for uid in uids:
        await enqueue(pool, uid)
    fake_fcm.default = "hang"
    doomed = asyncio.create_task(Dispatcher(pool, fcm_sender).run_once(NOW))
    assert await asyncio.to_thread(fake_fcm.wait_received, 3)
    doomed.cancel()  # the dispatcher dies while FCM has not answered
    with pytest.raises(asyncio.CancelledError):
        await doomed
    fake_fcm.default = "ok"
    fake_fcm.release.set()
    # While the lease runs, other dispatchers leave the claimed rows alone ...
    assert await Dispatcher(pool, fcm_sender).run_once(NOW + LEASE / 2) == 0
    # ... after it, two dispatchers at once deliver each notification exactly once.
    later = NOW + LEASE + timedelta(seconds=1)
    await asyncio.gather(Dispatcher(pool, fcm_sender).run_once(later), Dispatcher(pool, fcm_sender).run_once(later))
    assert sorted(m["token"] for m in fake_fcm.delivered) == ["dev-0", "dev-1", "dev-2"]
    for uid in uids:
        assert (await status(pool, uid))[0]["status"] == "sent"
    # The repeat carries the same collapse id as the first try, so a phone that did get it shows it once.
    first, repeat = fake_fcm.received[0], [m for m in fake_fcm.delivered if m["token"] == fake_fcm.received[0]["token"]][0]
    assert first["message"]["android"]["collapse_key"] == repeat["message"]["android"]["collapse_key"]


async def test_quiet_hours_hold_offers_but_not_urgent_ones(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "q@x.test", devices=["night-phone"], quiet=(time(22), time(7)))
    late = datetime(2026, 11, 24, 23, 30, tzinfo=AMSTERDAM)
    await enqueue(pool, uid, now=late)
    await enqueue(pool, uid, key="offer:urgent", data=offer_data(1), now=late, urgent=True)
    dispatcher = Dispatcher(pool, fcm_sender)
    await dispatcher.run_once(late)
    held, urgent = await status(pool, uid)
    assert urgent["status"] == "sent" and held["status"] == "pending"
    assert held["due_at"] == datetime(2026, 11, 25, 7, 0, tzinfo=AMSTERDAM)
    assert len(fake_fcm.delivered) == 1
    await dispatcher.run_once(datetime(2026, 11, 25, 7, 0, tzinfo=AMSTERDAM))
    assert (await status(pool, uid))[0]["status"] == "sent" and len(fake_fcm.delivered) == 2


async def test_offers_fold_within_fifteen_minutes(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "f@x.test", devices=["p"])
    dispatcher = Dispatcher(pool, fcm_sender)
    await enqueue(pool, uid, key="offer:a", data=offer_data(0))
    await dispatcher.run_once(NOW)
    for n, minutes in ((1, 2), (2, 5), (3, 9), (4, 12)):
        await enqueue(pool, uid, key=f"offer:{n}", data=offer_data(n), now=NOW + timedelta(minutes=minutes))
        await dispatcher.run_once(NOW + timedelta(minutes=minutes))
    assert len(fake_fcm.delivered) == 1  # held: one offer push per 15 minutes
    await dispatcher.run_once(NOW + timedelta(minutes=15))
    assert len(fake_fcm.delivered) == 2
    assert fake_fcm.delivered[1]["message"]["notification"]["title"] == "4 nieuwe diensten"
    assert fake_fcm.delivered[1]["message"]["data"]["count"] == "4"
    statuses = [n["status"] for n in await status(pool, uid)]
    assert statuses.count("sent") == 2 and statuses.count("folded") == 3


async def test_daily_digest(pool, fake_fcm, fcm_sender):
    uid = await user(pool, "g@x.test", devices=["p"], digest="daily")
    for n in range(3):
        await enqueue(pool, uid, key=f"offer:{n}", data=offer_data(n), now=NOW + timedelta(hours=n))
    dispatcher = Dispatcher(pool, fcm_sender)
    await dispatcher.run_once(NOW + timedelta(hours=3))
    assert fake_fcm.delivered == []
    await dispatcher.run_once(datetime(2026, 11, 24, 17, 0, tzinfo=AMSTERDAM))
    assert [m["message"]["notification"]["title"] for m in fake_fcm.delivered] == ["3 nieuwe diensten"]
    # Non-offer events are never held for the digest.
    await enqueue(pool, uid, kind="booked", key="booked:1", now=NOW)
    await dispatcher.run_once(NOW)
    assert len(fake_fcm.delivered) == 2


async def test_without_devices_or_credentials_it_is_recorded(pool):
    uid = await user(pool, "h@x.test", devices=["p"])
    await enqueue(pool, uid)
    await Dispatcher(pool, None).run_once(NOW)
    [n] = await status(pool, uid)
    assert n["status"] == "recorded" and n["title"].startswith("Nieuwe dienst")


def test_sender_needs_credentials(monkeypatch, tmp_path):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    assert FcmSender.from_environment({"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "missing.json")}) is None


async def test_listen_notify_wakes_the_dispatcher_within_a_second(pool, database_url, fake_fcm, fcm_sender):
    uid = await user(pool, "l@x.test", devices=["instant"])
    dispatcher = Dispatcher(pool, fcm_sender)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(database_url, stop, poll=60))
    try:
        await asyncio.sleep(0)  # let it start listening
        await asyncio.wait_for(_listening(pool), timeout=5)
        started = asyncio.get_running_loop().time()
        await enqueue(pool, uid, kind="booked", key="booked:x", now=datetime.now(UTC))
        assert await asyncio.to_thread(fake_fcm.wait_received, 1, 5)
        assert asyncio.get_running_loop().time() - started < 2.0  # the poll interval is 60 s
    finally:
        stop.set()
        dispatcher.wake.set()
        await asyncio.wait_for(task, 10)


async def test_the_dispatcher_listens_again_after_the_database_dropped_it(pool, database_url, fake_fcm, fcm_sender):
    """A restart or failover closes the LISTEN connection: the dispatcher opens it again, and NOTIFY wakes it
    within a second once more (before, pushes waited for the poll interval until the process restarted)."""
    uid = await user(pool, "r@x.test", devices=["again"])
    dispatcher = Dispatcher(pool, fcm_sender)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(database_url, stop, poll=60))
    try:
        await asyncio.wait_for(_listening(pool), timeout=5)
        async with pool.acquire() as conn:
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' "
                               "AND datname = current_database()")

        async def reconnected():
            while dispatcher.listens < 2:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(reconnected(), timeout=5)
        await asyncio.wait_for(_listening(pool), timeout=5)
        started = asyncio.get_running_loop().time()
        await enqueue(pool, uid, kind="booked", key="booked:again", now=datetime.now(UTC))
        # Woken by NOTIFY, not by the 60-second poll: well under it even on a loaded machine (typically
        # within a second; the bound is not a latency target, it tells NOTIFY from polling).
        assert await asyncio.to_thread(fake_fcm.wait_received, 1, 15)
        assert asyncio.get_running_loop().time() - started < 15
    finally:
        stop.set()
        dispatcher.wake.set()
        await asyncio.wait_for(task, 10)


async def _listening(pool):
    while True:
        async with pool.acquire() as conn:
            if await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"):
                return
        await asyncio.sleep(0.01)


async def test_operators_see_and_retry_dead_letters(client, pool, fake_fcm, fcm_sender):
    """Dead letters are for errors no retry can mend (FCM refuses the message itself): at once, for the
    coordinator to look at and retry once it is mended."""
    from tests.helpers import Region, auth

    region = await Region(client).setup(pool)
    await region.worker("Zonnehuis", "gone")
    async with pool.acquire() as conn:
        uid = await conn.fetchval("SELECT id FROM users WHERE email = 'gone@mail.test'")
        await conn.execute("INSERT INTO devices (token, user_id, platform) VALUES ('flaky', $1, 'ios')", uid)
    await enqueue(pool, uid, kind="booked", key="booked:dead")
    fake_fcm.default = "400"
    dispatcher = Dispatcher(pool, fcm_sender, rng=random.Random(4))
    await dispatcher.run_once(NOW)
    r = await client.get("/v1/notifications/dead-letters", headers=auth(region.coordinator))
    [dead] = r.json()["items"]
    assert dead["kind"] == "booked" and dead["attempts"] == 1
    assert "InvalidArgument" in dead["lastError"]
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    assert (await client.get("/v1/notifications/dead-letters", headers=planner)).status_code == 403
    fake_fcm.default = "ok"
    r = await client.post(f"/v1/notifications/{dead['id']}/retry", headers=auth(region.coordinator))
    assert r.status_code == 200 and r.json()["status"] == "pending"
    await dispatcher.run_once(datetime.now(UTC) + timedelta(seconds=1))
    assert (await status(pool, uid))[0]["status"] == "sent" and len(fake_fcm.delivered_to("flaky")) == 1
