"""When a notification may go out: quiet hours, the daily digest, the 15-minute fold, retry backoff."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from flexpool.domain.clock import at_local, local

FOLD_WINDOW = timedelta(minutes=15)
DIGEST_AT = time(17, 0)
BASE_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(hours=1)


def in_quiet_hours(now: datetime, quiet_from: time | None, quiet_to: time | None) -> bool:
    if quiet_from is None or quiet_to is None or quiet_from == quiet_to:
        return False
    clock = local(now).time()
    if quiet_from < quiet_to:
        return quiet_from <= clock < quiet_to
    return clock >= quiet_from or clock < quiet_to  # across midnight, e.g. 22:00–07:00


def quiet_hours_end(now: datetime, quiet_from: time | None, quiet_to: time | None) -> datetime:
    """The first instant at or after `now` outside the quiet hours (local wall clock, DST aware)."""
    if quiet_to is None or not in_quiet_hours(now, quiet_from, quiet_to):
        return now
    today = local(now).date()
    end = at_local(today, quiet_to)
    return end if end > now else at_local(today + timedelta(days=1), quiet_to)


def next_digest(after: datetime, quiet_from: time | None = None, quiet_to: time | None = None) -> datetime:
    """The first daily digest at or after `after`."""
    today = local(after).date()
    at = at_local(today, DIGEST_AT)
    at = at if at >= after else at_local(today + timedelta(days=1), DIGEST_AT)
    return quiet_hours_end(at, quiet_from, quiet_to)


def offer_due(now: datetime, *, created_at: datetime, urgent: bool, last_offer_sent: datetime | None,
              quiet_from: time | None, quiet_to: time | None, digest: str) -> datetime:
    """When a pending offer may be pushed (`now` when it may go at once). Urgent shifts ignore quiet hours
    and the digest; a digest user gets the offer with the first digest after it was made."""
    if urgent:
        return now
    if digest == "daily":
        return max(now, next_digest(created_at, quiet_from, quiet_to))
    due = now
    if last_offer_sent is not None and last_offer_sent + FOLD_WINDOW > due:
        due = last_offer_sent + FOLD_WINDOW
    return quiet_hours_end(due, quiet_from, quiet_to)


# Kinds about one shift matter until it starts (a release or cancellation until it would have started).
SHIFT_BOUND = {"offer", "booked", "approved", "declined", "released", "shift-cancelled", "application", "accepted",
               "withdrawn", "worker-cancelled", "reminder", "still-open"}
RELEVANT_FOR = {"hours-to-confirm": timedelta(hours=72), "credential-expiry": timedelta(days=7)}
DEFAULT_RELEVANCE = timedelta(hours=24)


def relevant_until(kind: str, data: dict[str, Any], created_at: datetime) -> datetime:
    """Until when a notification is worth delivering: temporary failures are retried until then, however
    many attempts that takes (an FCM outage of an hour must not lose a booking confirmation)."""
    if kind in SHIFT_BOUND and data.get("startsAt"):
        return datetime.fromisoformat(data["startsAt"])
    return created_at + RELEVANT_FOR.get(kind, DEFAULT_RELEVANCE)


def after_failure(now: datetime, *, permanent: bool, relevant_until: datetime, next_attempt: datetime) -> str:
    """'dead' for an error that no retry can mend (an operator looks at it), 'expired' once a retry would come
    after the message stopped mattering, else 'retry'."""
    if permanent:
        return "dead"
    if next_attempt >= relevant_until:
        return "expired"
    return "retry"


def backoff(attempt: int, retry_after: float | None, rng: random.Random) -> timedelta:
    """Exponential backoff with full jitter, never shorter than the server's Retry-After."""
    ceiling = min(BASE_BACKOFF * (2 ** max(attempt - 1, 0)), MAX_BACKOFF)
    delay = timedelta(seconds=rng.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay
