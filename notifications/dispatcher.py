"""The dispatcher: claims due outbox rows, expands them to devices, sends, records per device.

Any number of dispatchers may run (FOR UPDATE SKIP LOCKED). A claim is committed as `sending` with a
lease before anything leaves, and every device's outcome is recorded after; a device that already got the
notification is never sent it again. If a dispatcher dies between sending and recording, the lease runs
out and the uncertain deliveries are repeated with the same collapse id, so the phone shows one.
"""
from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import asyncpg

from flexpool.db import outbox
from flexpool.domain import delivery
from flexpool.domain.messages import render
from notifications.fcm import Outcome, Push
from notifications.metrics import BACKLOG, DEAD_LETTERS, PUSHES, RETRIES_WAITING

log = logging.getLogger("flexpool.dispatcher")

# Short, and extended while the batch is being sent and recorded (heartbeat): a dispatcher that dies holds
# its notifications for at most this long.
LEASE = timedelta(seconds=30)
HEARTBEAT = 10.0  # seconds

CLAIM = """
SELECT n.*, u.language, u.quiet_from, u.quiet_to, u.digest
FROM notifications n JOIN users u ON u.id = n.user_id
WHERE (n.status = 'pending' AND n.due_at <= $1) OR (n.status = 'sending' AND n.lease_until < $1)
ORDER BY n.due_at, n.id
LIMIT $2
FOR UPDATE OF n SKIP LOCKED
"""


class Dispatcher:
    def __init__(self, pool, sender, *, batch: int = 500, lease: timedelta = LEASE, rng: random.Random | None = None):
        self.pool = pool
        self.sender = sender
        self.batch = batch
        self.lease = lease
        self.rng = rng or random.Random()
        self.wake = asyncio.Event()
        self.listens = 0  # how often the LISTEN connection was opened (1, plus once per reconnect)

    async def run_once(self, now: datetime | None = None) -> int:
        """Claim, send and record one batch; the number of notifications handled."""
        now = now or datetime.now(UTC)
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(CLAIM, now, self.batch)
                pushes, claimed = await self._prepare(conn, rows, now)
        if not claimed:
            return len(rows)
        heartbeat = asyncio.create_task(self._heartbeat(claimed))
        try:
            outcomes = await self.sender.send(pushes) if pushes else []
            await self._record_durably(claimed, pushes, outcomes, now)
        finally:
            heartbeat.cancel()
        return len(rows)

    async def _heartbeat(self, claimed: list[int]) -> None:
        """Keeps the claim while the batch is out: other dispatchers leave it alone, and a crash frees it
        within one short lease."""
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                async with self.pool.acquire() as conn:
                    await outbox.extend_lease(conn, claimed, datetime.now(UTC) + self.lease)
            except Exception as exc:
                log.warning("lease heartbeat failed: %s", exc)

    async def _record_durably(self, claimed, pushes, outcomes, now) -> None:
        """The pushes went out: their outcomes must be recorded, or a restart would send them again. The
        bookkeeping is retried (the database may be restarting), never the push."""
        delay = 0.2
        while True:
            try:
                await self._record(claimed, pushes, outcomes, now)
                return
            except (
                TimeoutError,
                OSError,
                asyncpg.PostgresConnectionError,
                asyncpg.InterfaceError,
                asyncpg.CannotConnectNowError,
                asyncpg.AdminShutdownError,
            ) as exc:
                log.warning("recording %d push outcomes failed (%s); retrying", len(outcomes), exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _prepare(self, conn, rows, now):
        """Decide for the whole claimed batch with a handful of set-based queries."""
        ids = [n["id"] for n in rows]
        users = list({n["user_id"] for n in rows})
        # The 15-minute fold is decided per user under a lock every dispatcher takes: a user whose offers
        # another dispatcher is deciding right now waits for the next round; offers being sent count as sent.
        offer_users = list({n["user_id"] for n in rows if n["kind"] == "offer" and not n["urgent"]})
        busy = await outbox.lock_offer_users(conn, offer_users)
        last_offer = dict(await conn.fetch(
            "SELECT user_id, max(CASE WHEN status = 'sending' THEN $2 ELSE sent_at END) FROM notifications "
            "WHERE user_id = ANY($1::uuid[]) AND kind = 'offer' AND status IN ('sent', 'sending') GROUP BY user_id",
            users, now))
        offer_users = [u for u in offer_users if u not in busy]
        pending_offers: dict = defaultdict(list)
        for r in await conn.fetch(
                "SELECT id, user_id FROM notifications WHERE user_id = ANY($1::uuid[]) AND kind = 'offer' "
                "AND status = 'pending' AND NOT urgent ORDER BY id FOR UPDATE SKIP LOCKED", offer_users):
            pending_offers[r["user_id"]].append(r["id"])
        tokens: dict = defaultdict(list)
        for r in await conn.fetch(
                "SELECT n.id, d.token FROM unnest($1::bigint[], $2::uuid[]) AS n(id, user_id) "
                "JOIN devices d ON d.user_id = n.user_id WHERE NOT EXISTS ("
                "  SELECT 1 FROM notification_deliveries x WHERE x.notification_id = n.id AND x.token = d.token "
                "  AND x.status IN ('sent', 'unregistered')) ORDER BY d.token",
                ids, [n["user_id"] for n in rows]):
            tokens[r["id"]].append(r["token"])
        delivered_before = {r["notification_id"] for r in await conn.fetch(
            "SELECT DISTINCT notification_id FROM notification_deliveries WHERE notification_id = ANY($1::bigint[]) "
            "AND status = 'sent'", ids)}

        pushes: list[Push] = []
        claimed: list[int] = []
        postponed, folded_rows, finished, deliveries, sending = [], [], [], [], []
        done: set[int] = set()
        for n in rows:
            if n["id"] in done:
                continue
            fresh_offer = n["kind"] == "offer" and n["status"] == "pending"
            if fresh_offer and not n["urgent"] and n["user_id"] in busy:
                postponed.append((n["id"], now + timedelta(seconds=2)))
                continue
            if fresh_offer:
                due = delivery.offer_due(now, created_at=n["created_at"], urgent=n["urgent"],
                                         last_offer_sent=last_offer.get(n["user_id"]), quiet_from=n["quiet_from"],
                                         quiet_to=n["quiet_to"], digest=n["digest"])
                if due > now:
                    postponed.append((n["id"], due))
                    continue
            folded = 1
            if fresh_offer and not n["urgent"]:
                others = [i for i in pending_offers.get(n["user_id"], []) if i != n["id"] and i not in done]
                folded_rows += [(i, n["id"]) for i in others]
                done.update(others)
                folded += len(others)
            title, body = (n["title"], n["body"]) if n["status"] == "sending" else \
                render(n["kind"], n["data"], n["language"], folded)
            targets = tokens.get(n["id"], [])
            if self.sender is None or not targets:
                # Kept in the inbox: no device, or no Firebase credentials in this setup.
                finished.append((n["id"], "sent" if n["id"] in delivered_before else "recorded", title, body))
                continue
            deliveries += [(n["id"], t, now) for t in targets]
            sending.append((n["id"], title, body))
            data = {"type": n["kind"], "notificationId": str(n["id"]),
                    **{k: str(v) for k, v in n["data"].items() if k in ("shiftId", "assignmentId", "applicationId")}}
            if folded > 1:
                data["count"] = str(folded)
            pushes += [Push(t, title, body, data, n["urgent"], f"flexpool-{n['id']}") for t in targets]
            claimed.append(n["id"])

        await conn.executemany("UPDATE notifications SET due_at = $2 WHERE id = $1", postponed)
        await conn.executemany("UPDATE notifications SET status = 'folded', folded_into = $2, sent_at = $3 "
                               "WHERE id = $1", [(i, carrier, now) for i, carrier in folded_rows])
        await conn.executemany("UPDATE notifications SET status = $2, title = $3, body = $4, sent_at = $5, "
                               "lease_until = NULL WHERE id = $1", [(*f, now) for f in finished])
        await conn.executemany(
            "INSERT INTO notification_deliveries (notification_id, token, status, attempts, updated_at) "
            "VALUES ($1, $2, 'sending', 1, $3) ON CONFLICT (notification_id, token) DO UPDATE "
            "SET status = 'sending', attempts = notification_deliveries.attempts + 1, updated_at = $3", deliveries)
        await conn.executemany("UPDATE notifications SET status = 'sending', lease_until = $2, attempts = attempts + 1, "
                               "title = $3, body = $4 WHERE id = $1",
                               [(i, now + self.lease, title, body) for i, title, body in sending])
        return pushes, claimed

    async def _record(self, claimed: list[int], pushes: list[Push], outcomes: list[Outcome], now: datetime) -> None:
        """Each device's outcome, then each notification's: sent, retried later, or dead-lettered."""
        per_notification: dict[int, list[Outcome]] = defaultdict(list)
        for push, outcome in zip(pushes, outcomes, strict=True):
            per_notification[int(push.data["notificationId"])].append(outcome)
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                await conn.executemany(
                    "UPDATE notification_deliveries SET status = $3, message_id = $4, last_error = $5, updated_at = $6 "
                    "WHERE notification_id = $1 AND token = $2",
                    [(nid, o.token, "sent" if o.ok else "unregistered" if o.unregistered else "failed", o.message_id,
                      o.error, now) for nid, results in per_notification.items() for o in results])
                await conn.execute("DELETE FROM devices WHERE token = ANY($1::text[])",
                                   [o.token for o in outcomes if o.unregistered])
                facts = {r["id"]: r for r in await conn.fetch(
                    "SELECT id, attempts, kind, data, created_at FROM notifications WHERE id = ANY($1::bigint[])",
                    claimed)}
                delivered = {r["notification_id"] for r in await conn.fetch(
                    "SELECT DISTINCT notification_id FROM notification_deliveries "
                    "WHERE notification_id = ANY($1::bigint[]) AND status = 'sent'", claimed)}
                done, dead, expired, retry = [], [], [], []
                for nid in claimed:
                    failed = [o for o in per_notification.get(nid, []) if not o.ok and not o.unregistered]
                    if not failed:
                        done.append((nid, "sent" if nid in delivered else "recorded", now))
                        continue
                    n = facts[nid]
                    retry_after = max((o.retry_after or 0 for o in failed), default=0) or None
                    due = now + delivery.backoff(n["attempts"], retry_after, self.rng)
                    verdict = delivery.after_failure(
                        now, permanent=any(o.permanent for o in failed), next_attempt=due,
                        relevant_until=delivery.relevant_until(n["kind"], n["data"], n["created_at"]))
                    if verdict == "dead":
                        dead.append((nid, failed[0].error))
                        log.error("notification %s dead-lettered: %s", nid, failed[0].error)
                    elif verdict == "expired":
                        expired.append((nid, failed[0].error))
                    else:
                        retry.append((nid, due, failed[0].error))
                await conn.executemany("UPDATE notifications SET status = $2, sent_at = $3, lease_until = NULL "
                                       "WHERE id = $1", done)
                await conn.executemany("UPDATE notifications SET status = 'dead', last_error = $2, lease_until = NULL "
                                       "WHERE id = $1", dead)
                await conn.executemany("UPDATE notifications SET status = 'expired', last_error = $2, "
                                       "lease_until = NULL WHERE id = $1", expired)
                await conn.executemany("UPDATE notifications SET status = 'pending', due_at = $2, last_error = $3, "
                                       "lease_until = NULL WHERE id = $1", retry)
        for o in outcomes:
            PUSHES.labels("sent" if o.ok else "unregistered" if o.unregistered else "failed").inc()
        DEAD_LETTERS.inc(len(dead))

    async def run_forever(self, database_url: str, stop: asyncio.Event, poll: float = 5.0) -> None:
        """Loop: dispatch while there is work; sleep until NOTIFY, a wake-up or the poll interval.
        To stop: set `stop`, then `wake`."""

        listener = None
        try:
            while not stop.is_set():
                listener = await self._listening(listener, database_url)
                self.wake.clear()  # before the round: a NOTIFY during it wakes the next wait at once
                try:
                    while await self.run_once() >= self.batch:
                        pass
                    async with self.pool.acquire() as conn:
                        BACKLOG.set(await outbox.due_count(conn, datetime.now(UTC)))
                        RETRIES_WAITING.set(await outbox.retries_waiting(conn))
                except Exception:
                    log.exception("dispatch round failed")
                if stop.is_set():
                    break
                try:
                    # Without a listener (the database restarted), poll every second until it is back.
                    await asyncio.wait_for(self.wake.wait(), timeout=poll if listener is not None else 1.0)
                except TimeoutError:
                    pass
        finally:
            if listener is not None and not listener.is_closed():
                await listener.close()

    async def _listening(self, listener, database_url: str):
        """The LISTEN connection, opened again after the database closed it (a restart, a failover)."""
        import asyncpg

        if listener is not None and not listener.is_closed():
            return listener
        try:
            listener = await asyncpg.connect(database_url)
            await listener.add_listener(outbox.CHANNEL, lambda *_: self.wake.set())
            # A lost connection wakes the loop at once, which then listens again.
            listener.add_termination_listener(lambda *_: self.wake.set())
            self.listens += 1
            return listener
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("cannot LISTEN for new notifications yet (%s); polling", exc)
            return None
