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
from datetime import datetime, timedelta, timezone

from flexpool.db import outbox
from flexpool.domain import delivery
from notifications.fcm import Outcome, Push
from flexpool.domain.messages import render

log = logging.getLogger("flexpool.dispatcher")

LEASE = timedelta(minutes=2)

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

    async def run_once(self, now: datetime | None = None) -> int:
        """Claim, send and record one batch; the number of notifications handled."""
        now = now or datetime.now(timezone.utc)
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(CLAIM, now, self.batch)
                pushes, claimed = await self._prepare(conn, rows, now)
        if not claimed:
            return len(rows)
        outcomes = await self.sender.send(pushes) if pushes else []
        await self._record(claimed, pushes, outcomes, now)
        return len(rows)

    async def _prepare(self, conn, rows, now):
        pushes: list[Push] = []
        claimed: list[int] = []
        folded_away: set[int] = set()
        for n in rows:
            if n["id"] in folded_away:
                continue
            if n["kind"] == "offer" and n["status"] == "pending":
                last = await conn.fetchval("SELECT max(sent_at) FROM notifications WHERE user_id = $1 "
                                           "AND kind = 'offer' AND status = 'sent'", n["user_id"])
                due = delivery.offer_due(now, created_at=n["created_at"], urgent=n["urgent"], last_offer_sent=last, quiet_from=n["quiet_from"],
                                         quiet_to=n["quiet_to"], digest=n["digest"])
                if due > now:
                    await conn.execute("UPDATE notifications SET due_at = $2 WHERE id = $1", n["id"], due)
                    continue
            folded = 1
            if n["kind"] == "offer" and not n["urgent"] and n["status"] == "pending":
                others = await conn.fetch(
                    "SELECT id FROM notifications WHERE user_id = $1 AND kind = 'offer' AND status = 'pending' "
                    "AND NOT urgent AND id <> $2 FOR UPDATE SKIP LOCKED", n["user_id"], n["id"])
                if others:
                    folded_away.update(o["id"] for o in others)
                    await conn.execute("UPDATE notifications SET status = 'folded', folded_into = $2, sent_at = $3 "
                                       "WHERE id = ANY($1::bigint[])", [o["id"] for o in others], n["id"], now)
                    folded += len(others)
            title, body = (n["title"], n["body"]) if n["status"] == "sending" else \
                render(n["kind"], n["data"], n["language"], folded)
            tokens = [r["token"] for r in await conn.fetch(
                "SELECT d.token FROM devices d WHERE d.user_id = $1 AND NOT EXISTS ("
                "  SELECT 1 FROM notification_deliveries x WHERE x.notification_id = $2 AND x.token = d.token "
                "  AND x.status IN ('sent', 'unregistered'))", n["user_id"], n["id"])]
            if self.sender is None or not tokens:
                # Kept in the inbox: no device, or no Firebase credentials in this setup.
                already = await conn.fetchval("SELECT count(*) FROM notification_deliveries WHERE notification_id = $1 "
                                              "AND status = 'sent'", n["id"])
                await conn.execute("UPDATE notifications SET status = $2, title = $3, body = $4, sent_at = $5, "
                                   "lease_until = NULL WHERE id = $1", n["id"], "sent" if already else "recorded",
                                   title, body, now)
                continue
            await conn.executemany(
                "INSERT INTO notification_deliveries (notification_id, token, status, attempts, updated_at) "
                "VALUES ($1, $2, 'sending', 1, $3) ON CONFLICT (notification_id, token) DO UPDATE "
                "SET status = 'sending', attempts = notification_deliveries.attempts + 1, updated_at = $3",
                [(n["id"], t, now) for t in tokens])
            await conn.execute("UPDATE notifications SET status = 'sending', lease_until = $2, attempts = attempts + 1, "
                               "title = $3, body = $4 WHERE id = $1", n["id"], now + self.lease, title, body)
            data = {"type": n["kind"], "notificationId": str(n["id"]),
                    **{k: str(v) for k, v in n["data"].items() if k in ("shiftId", "assignmentId", "applicationId")}}
            if folded > 1:
                data["count"] = str(folded)
            pushes += [Push(t, title, body, data, n["urgent"], f"flexpool-{n['id']}") for t in tokens]
            claimed.append(n["id"])
        return pushes, claimed

    async def _record(self, claimed: list[int], pushes: list[Push], outcomes: list[Outcome], now: datetime) -> None:
        by_token = {}
        for push, outcome in zip(pushes, outcomes):
            by_token[(int(push.data["notificationId"]), push.token)] = outcome
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                for (nid, token), o in by_token.items():
                    status = "sent" if o.ok else "unregistered" if o.unregistered else "failed"
                    await conn.execute("UPDATE notification_deliveries SET status = $3, message_id = $4, "
                                       "last_error = $5, updated_at = $6 WHERE notification_id = $1 AND token = $2",
                                       nid, token, status, o.message_id, o.error, now)
                    if o.unregistered:
                        await conn.execute("DELETE FROM devices WHERE token = $1", token)
                for nid in claimed:
                    left = await conn.fetch("SELECT status, last_error FROM notification_deliveries "
                                            "WHERE notification_id = $1 AND status IN ('sending', 'failed')", nid)
                    n = await conn.fetchrow("SELECT attempts FROM notifications WHERE id = $1", nid)
                    if not left:
                        delivered = await conn.fetchval("SELECT count(*) FROM notification_deliveries "
                                                        "WHERE notification_id = $1 AND status = 'sent'", nid)
                        await conn.execute("UPDATE notifications SET status = $2, sent_at = $3, lease_until = NULL "
                                           "WHERE id = $1", nid, "sent" if delivered else "recorded", now)
                    elif n["attempts"] >= delivery.MAX_ATTEMPTS:
                        await conn.execute("UPDATE notifications SET status = 'dead', last_error = $2, "
                                           "lease_until = NULL WHERE id = $1", nid, left[0]["last_error"])
                        log.error("notification %s dead-lettered after %s attempts: %s", nid, n["attempts"],
                                  left[0]["last_error"])
                    else:
                        retry_after = max((o.retry_after or 0 for (i, _), o in by_token.items() if i == nid),
                                          default=0) or None
                        due = now + delivery.backoff(n["attempts"], retry_after, self.rng)
                        await conn.execute("UPDATE notifications SET status = 'pending', due_at = $2, "
                                           "last_error = $3, lease_until = NULL WHERE id = $1", nid, due,
                                           left[0]["last_error"])

    async def run_forever(self, database_url: str, stop: asyncio.Event, poll: float = 5.0) -> None:
        """Loop: dispatch while there is work; sleep until NOTIFY, a wake-up or the poll interval.
        To stop: set `stop`, then `wake`."""
        import asyncpg

        listener = await asyncpg.connect(database_url)
        await listener.add_listener(outbox.CHANNEL, lambda *_: self.wake.set())
        try:
            while not stop.is_set():
                self.wake.clear()  # before the round: a NOTIFY during it wakes the next wait at once
                try:
                    while await self.run_once() >= self.batch:
                        pass
                except Exception:  # noqa: BLE001 - a bad round must not stop the loop
                    log.exception("dispatch round failed")
                if stop.is_set():
                    break
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=poll)
                except asyncio.TimeoutError:
                    pass
        finally:
            await listener.close()
