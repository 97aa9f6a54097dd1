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
import msgspec
from asyncpg import Connection

from flexpool.db import dispatch as dispatch_db
from flexpool.db import outbox
from flexpool.domain import delivery
from flexpool.domain.messages import render
from flexpool.domain.vocabulary import NotificationKind, NotificationStatus
from notifications.fcm import FcmSender, Outcome, Push
from notifications.metrics import BACKLOG, DEAD_LETTERS, PUSHES, RETRIES_WAITING

log = logging.getLogger("flexpool.dispatcher")

# Short, and extended while the batch is being sent and recorded (heartbeat): a dispatcher that dies holds
# its notifications for at most this long.
LEASE = timedelta(seconds=30)
HEARTBEAT = 10.0  # seconds

class Dispatcher:
    def __init__(self, pool: asyncpg.Pool, sender: FcmSender | None, *, batch: int = 500, lease: timedelta = LEASE,
                 rng: random.Random | None = None) -> None:
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
                rows = await dispatch_db.claim(conn, now, self.batch)
                plan = plan_batch(rows, await dispatch_db.batch_facts(conn, rows, now), now,
                                  can_push=self.sender is not None)
                await _write_plan(conn, plan, now, now + self.lease)
        pushes, claimed = plan.pushes, plan.claimed
        if not claimed:
            return len(rows)
        heartbeat = asyncio.create_task(self._heartbeat(claimed))
        try:
            # pushes only when there is a sender (plan_batch was told whether one can push)
            outcomes = await self.sender.send(pushes) if pushes and self.sender is not None else []
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

    async def _record_durably(self, claimed: list[int], pushes: list[Push], outcomes: list[Outcome],
                              now: datetime) -> None:
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

    async def _record(self, claimed: list[int], pushes: list[Push], outcomes: list[Outcome], now: datetime) -> None:
        """Each device's outcome, then each notification's: sent, retried later, or dead-lettered."""
        per_notification: dict[int, list[Outcome]] = defaultdict(list)
        for push, outcome in zip(pushes, outcomes, strict=True):
            per_notification[int(push.data["notificationId"])].append(outcome)
        deliveries = [dispatch_db.Delivery(nid, o.token, "sent" if o.ok else "unregistered" if o.unregistered
                                           else "failed", o.message_id, o.error)
                      for nid, results in per_notification.items() for o in results]
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                await dispatch_db.record_deliveries(conn, deliveries, now)
                verdicts = judge_outcomes(claimed, per_notification, await dispatch_db.attempts(conn, claimed),
                                          await dispatch_db.delivered(conn, claimed), now, self.rng)
                await dispatch_db.settle(conn, done=verdicts.done, dead=verdicts.dead, expired=verdicts.expired,
                                         retry=verdicts.retry)
        for d in deliveries:
            PUSHES.labels(d.status).inc()
        DEAD_LETTERS.inc(len(verdicts.dead))

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

    async def _listening(self, listener: Connection | None, database_url: str) -> Connection | None:
        """The LISTEN connection, opened again after the database closed it (a restart, a failover)."""
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


class BatchPlan(msgspec.Struct):
    """What a dispatcher decided for a claimed batch, before anything is written or sent."""

    pushes: list[Push] = msgspec.field(default_factory=list)
    claimed: list[int] = msgspec.field(default_factory=list)  # going out now, under a lease
    postponed: list[tuple[int, datetime]] = msgspec.field(default_factory=list)  # quiet hours, the fold, a busy user
    folded: list[tuple[int, int]] = msgspec.field(default_factory=list)  # (offer, the offer it goes out inside)
    finished: list[tuple[int, str, str, str]] = msgspec.field(default_factory=list)  # kept in the inbox only
    sending: list[tuple[int, str, str]] = msgspec.field(default_factory=list)  # (id, title, body)
    tokens: dict[int, list[str]] = msgspec.field(default_factory=dict)


def plan_batch(rows: list[dispatch_db.Claimed], facts: dispatch_db.BatchFacts, now: datetime, *, can_push: bool) -> BatchPlan:
    """Decide a claimed batch: postpone (quiet hours, the 15-minute fold, another dispatcher folding), fold a
    user's pending offers into one, keep in the inbox (no device, or no FCM in this setup), or push."""
    plan = BatchPlan(tokens=facts.tokens)
    done: set[int] = set()
    for n in rows:
        if n.id in done:
            continue
        fresh_offer = n.kind == NotificationKind.OFFER and n.status == NotificationStatus.PENDING
        if fresh_offer and not n.urgent and n.user_id in facts.busy:
            plan.postponed.append((n.id, now + timedelta(seconds=2)))
            continue
        if fresh_offer:
            due = delivery.offer_due(now, created_at=n.created_at, urgent=n.urgent,
                                     last_offer_sent=facts.last_offer.get(n.user_id), quiet_from=n.quiet_from,
                                     quiet_to=n.quiet_to, digest=n.digest)
            if due > now:
                plan.postponed.append((n.id, due))
                continue
        folded = 1
        if fresh_offer and not n.urgent:
            others = [i for i in facts.pending_offers.get(n.user_id, []) if i != n.id and i not in done]
            plan.folded += [(i, n.id) for i in others]
            done.update(others)
            folded += len(others)
        # A repeat after a lost lease sends the words it sent before (the phone folds them by collapse id).
        title, body = (n.title, n.body) if n.status == NotificationStatus.SENDING and n.title and n.body is not None \
            else render(n.kind, n.data, n.language, folded)
        targets = facts.tokens.get(n.id, [])
        if not can_push or not targets:
            plan.finished.append((n.id, "sent" if n.id in facts.delivered_before else "recorded", title, body))
            continue
        plan.sending.append((n.id, title, body))
        data = {"type": n.kind, "notificationId": str(n.id),
                **{k: str(v) for k, v in n.data.items() if k in ("shiftId", "assignmentId", "applicationId")}}
        if folded > 1:
            data["count"] = str(folded)
        plan.pushes += [Push(t, title, body, data, n.urgent, f"flexpool-{n.id}") for t in targets]
        plan.claimed.append(n.id)
    return plan


async def _write_plan(conn: Connection, plan: BatchPlan, now: datetime, lease_until: datetime) -> None:
    await dispatch_db.postpone(conn, plan.postponed)
    await dispatch_db.fold(conn, plan.folded, now)
    await dispatch_db.finish(conn, plan.finished, now)
    await dispatch_db.start_sending(conn, plan.sending, plan.tokens, now, lease_until)


class Verdicts(msgspec.Struct):
    done: list[tuple[int, str, datetime]] = msgspec.field(default_factory=list)
    dead: list[tuple[int, str | None]] = msgspec.field(default_factory=list)
    expired: list[tuple[int, str | None]] = msgspec.field(default_factory=list)
    retry: list[tuple[int, datetime, str | None]] = msgspec.field(default_factory=list)


def judge_outcomes(claimed: list[int], outcomes: dict[int, list[Outcome]], attempts: dict, delivered: set[int],
                   now: datetime, rng: random.Random) -> Verdicts:
    """Per notification after its devices answered: done when none failed for a reason worth retrying;
    else dead (FCM will never take it), expired (no longer relevant by the next attempt) or due again after a
    backoff (FCM's Retry-After when it gave one)."""
    verdicts = Verdicts()
    for nid in claimed:
        failed = [o for o in outcomes.get(nid, []) if not o.ok and not o.unregistered]
        if not failed:
            verdicts.done.append((nid, "sent" if nid in delivered else "recorded", now))
            continue
        n = attempts[nid]
        retry_after = max((o.retry_after or 0 for o in failed), default=0) or None
        due = now + delivery.backoff(n["attempts"], retry_after, rng)
        verdict = delivery.after_failure(
            now, permanent=any(o.permanent for o in failed), next_attempt=due,
            relevant_until=delivery.relevant_until(n["kind"], n["data"], n["created_at"]))
        if verdict == "dead":
            verdicts.dead.append((nid, failed[0].error))
            log.error("notification %s dead-lettered: %s", nid, failed[0].error)
        elif verdict == "expired":
            verdicts.expired.append((nid, failed[0].error))
        else:
            verdicts.retry.append((nid, due, failed[0].error))
    return verdicts
