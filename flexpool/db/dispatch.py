"""The dispatcher's reads and writes of the outbox: claim a batch, load what deciding it needs, write the
decisions, record each device's outcome. Set-based: a handful of statements per batch, whatever its size."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import outbox
from flexpool.db.notifications import NOTIFICATION_COLUMNS, Notification
from flexpool.db.rows import many
from flexpool.domain.vocabulary import Digest, Language, NotificationKind


class Claimed(Notification, frozen=True, kw_only=True):
    """A notification a dispatcher holds, with its reader's language and wishes for when to be disturbed."""

    language: Language
    quiet_from: time | None
    quiet_to: time | None
    digest: Digest


CLAIM = f"""
SELECT {NOTIFICATION_COLUMNS}, u.language, u.quiet_from, u.quiet_to, u.digest
FROM notifications n JOIN users u ON u.id = n.user_id
WHERE (n.status = 'pending' AND n.due_at <= $1) OR (n.status = 'sending' AND n.lease_until < $1)
ORDER BY n.due_at, n.id
LIMIT $2
FOR UPDATE OF n SKIP LOCKED
"""


class BatchFacts(msgspec.Struct, frozen=True):
    """What deciding a claimed batch needs beyond its rows."""

    busy: set[UUID]  # users whose offers another dispatcher is folding right now
    last_offer: dict[UUID, datetime]  # when each user's last offer went out (or is going out: now)
    pending_offers: dict[UUID, list[int]]  # each user's unsent, non-urgent offers, oldest first
    tokens: dict[int, list[str]]  # the devices each notification has not reached yet
    delivered_before: set[int]  # notifications at least one device already got


class Delivery(msgspec.Struct, frozen=True):
    """One device's outcome of a push."""

    notification_id: int
    token: str
    status: str  # sent | unregistered | failed
    message_id: str | None
    error: str | None


async def claim(conn: Connection, now: datetime, limit: int) -> list[Claimed]:
    """Due notifications and those whose lease ran out, locked for this transaction (SKIP LOCKED: any
    number of dispatchers)."""
    return many(Claimed, await conn.fetch(CLAIM, now, limit))


async def batch_facts(conn: Connection, rows: list[Claimed], now: datetime) -> BatchFacts:
    ids = [n.id for n in rows]
    users = list({n.user_id for n in rows})
    # The 15-minute fold is decided per user under a lock every dispatcher takes: a user whose offers
    # another dispatcher is deciding right now waits for the next round; offers being sent count as sent.
    offer_users = list({n.user_id for n in rows if n.kind == NotificationKind.OFFER and not n.urgent})
    busy = await outbox.lock_offer_users(conn, offer_users)
    last_offer = dict(await conn.fetch(
        "SELECT user_id, max(CASE WHEN status = 'sending' THEN $2 ELSE sent_at END) FROM notifications "
        "WHERE user_id = ANY($1::uuid[]) AND kind = 'offer' AND status IN ('sent', 'sending') GROUP BY user_id",
        users, now))
    pending_offers: dict[UUID, list[int]] = defaultdict(list)
    for r in await conn.fetch(
            "SELECT id, user_id FROM notifications WHERE user_id = ANY($1::uuid[]) AND kind = 'offer' "
            "AND status = 'pending' AND NOT urgent ORDER BY id FOR UPDATE SKIP LOCKED",
            [u for u in offer_users if u not in busy]):
        pending_offers[r["user_id"]].append(r["id"])
    tokens: dict[int, list[str]] = defaultdict(list)
    for r in await conn.fetch(
            "SELECT n.id, d.token FROM unnest($1::bigint[], $2::uuid[]) AS n(id, user_id) "
            "JOIN devices d ON d.user_id = n.user_id WHERE NOT EXISTS ("
            "  SELECT 1 FROM notification_deliveries x WHERE x.notification_id = n.id AND x.token = d.token "
            "  AND x.status IN ('sent', 'unregistered')) ORDER BY d.token",
            ids, [n.user_id for n in rows]):
        tokens[r["id"]].append(r["token"])
    return BatchFacts(busy, last_offer, dict(pending_offers), dict(tokens), await delivered(conn, ids))


async def delivered(conn: Connection, ids: list[int]) -> set[int]:
    """Those of `ids` that reached at least one device."""
    return {r["notification_id"] for r in await conn.fetch(
        "SELECT DISTINCT notification_id FROM notification_deliveries WHERE notification_id = ANY($1::bigint[]) "
        "AND status = 'sent'", ids)}


async def postpone(conn: Connection, due: list[tuple[int, datetime]]) -> None:
    await conn.executemany("UPDATE notifications SET due_at = $2 WHERE id = $1", due)


async def fold(conn: Connection, folded: list[tuple[int, int]], now: datetime) -> None:
    """(notification, the one it went out inside)."""
    await conn.executemany("UPDATE notifications SET status = 'folded', folded_into = $2, sent_at = $3 "
                           "WHERE id = $1", [(i, carrier, now) for i, carrier in folded])


async def finish(conn: Connection, finished: list[tuple[int, str, str, str]], now: datetime) -> None:
    """(notification, status, title, body): kept in the inbox without (another) push."""
    await conn.executemany("UPDATE notifications SET status = $2, title = $3, body = $4, sent_at = $5, "
                           "lease_until = NULL WHERE id = $1", [(*f, now) for f in finished])


async def start_sending(conn: Connection, sending: list[tuple[int, str, str]], tokens: dict[int, list[str]], now: datetime,
                        lease_until: datetime) -> None:
    """Commit the claim before anything leaves: per device `sending`, per notification a lease."""
    await conn.executemany(
        "INSERT INTO notification_deliveries (notification_id, token, status, attempts, updated_at) "
        "VALUES ($1, $2, 'sending', 1, $3) ON CONFLICT (notification_id, token) DO UPDATE "
        "SET status = 'sending', attempts = notification_deliveries.attempts + 1, updated_at = $3",
        [(nid, t, now) for nid, _, _ in sending for t in tokens[nid]])
    await conn.executemany("UPDATE notifications SET status = 'sending', lease_until = $2, attempts = attempts + 1, "
                           "title = $3, body = $4 WHERE id = $1",
                           [(nid, lease_until, title, body) for nid, title, body in sending])


async def record_deliveries(conn: Connection, deliveries: list[Delivery], now: datetime) -> None:
    """Each device's outcome; devices FCM no longer knows are forgotten."""
    await conn.executemany(
        "UPDATE notification_deliveries SET status = $3, message_id = $4, last_error = $5, updated_at = $6 "
        "WHERE notification_id = $1 AND token = $2",
        [(d.notification_id, d.token, d.status, d.message_id, d.error, now) for d in deliveries])
    await conn.execute("DELETE FROM devices WHERE token = ANY($1::text[])",
                       [d.token for d in deliveries if d.status == "unregistered"])


async def attempts(conn: Connection, ids: list[int]) -> dict:
    """What deciding a failure needs, per notification."""
    return {r["id"]: r for r in await conn.fetch(
        "SELECT id, attempts, kind, data, created_at FROM notifications WHERE id = ANY($1::bigint[])", ids)}


async def settle(conn: Connection, *, done: list[tuple[int, str, datetime]], dead: list[tuple[int, str | None]],
                 expired: list[tuple[int, str | None]], retry: list[tuple[int, datetime, str | None]]) -> None:
    """Each notification of a batch after its devices' outcomes: sent (or recorded), dead-lettered, given up
    as no longer relevant, or due again later."""
    await conn.executemany("UPDATE notifications SET status = $2, sent_at = $3, lease_until = NULL "
                           "WHERE id = $1", done)
    await conn.executemany("UPDATE notifications SET status = 'dead', last_error = $2, lease_until = NULL "
                           "WHERE id = $1", dead)
    await conn.executemany("UPDATE notifications SET status = 'expired', last_error = $2, "
                           "lease_until = NULL WHERE id = $1", expired)
    await conn.executemany("UPDATE notifications SET status = 'pending', due_at = $2, last_error = $3, "
                           "lease_until = NULL WHERE id = $1", retry)
