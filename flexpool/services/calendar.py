"""The worker's secret iCalendar subscription (RFC 5545): booked shifts and secondment shifts, times in
Europe/Amsterdam."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from asyncpg import Connection
from icalendar import Calendar, Event

from flexpool.db import assignments as assignments_db
from flexpool.db import secondments as secondments_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.domain.clock import AMSTERDAM
from flexpool.services.errors import Forbidden, NotFound
from flexpool.services.principal import Principal

WINDOW_BACK = timedelta(days=60)


def new_calendar_secret() -> str:
    """256 bits from the operating system's CSPRNG (the URL is the only key to the feed), URL-safe."""
    return secrets.token_urlsafe(32)

WINDOW_AHEAD = timedelta(days=365)


async def secret(conn: Connection, p: Principal) -> str:
    user = await users_db.by_subject(conn, str(p.user_id))
    if user is None or await workers_db.by_user(conn, p.user_id) is None:
        raise Forbidden("The calendar is for pool workers.")
    return user.calendar_secret


async def rotate(conn: Connection, p: Principal) -> str:
    if await workers_db.by_user(conn, p.user_id) is None:
        raise Forbidden("The calendar is for pool workers.")
    return await users_db.rotate_calendar_secret(conn, p.user_id, new_calendar_secret())


async def feed(conn: Connection, calendar_secret: str, now: datetime) -> bytes:
    user = await users_db.by_calendar_secret(conn, calendar_secret) if len(calendar_secret) >= 32 else None
    worker = await workers_db.by_user(conn, user.id) if user else None
    if worker is None:
        raise NotFound("calendar")
    rows = await assignments_db.for_worker(conn, worker.id, now - WINDOW_BACK, now + WINDOW_AHEAD)
    cal = Calendar()
    cal.add("prodid", "-//FlexPool//Diensten//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "FlexPool diensten")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    cal.add("refresh-interval;value=duration", "PT1H")
    for a in rows:
        cal.add_component(_event(a.id, a.booked_at, a.starts_at, a.ends_at, f"Dienst {a.organisation_name} ({a.function})",
                                 (a.site_name, a.site_address, a.site_city), a.break_minutes))
    for b in await secondments_db.blocks_of_worker(conn, worker.id, now - WINDOW_BACK, now + WINDOW_AHEAD):
        cal.add_component(_event(b.id, b.agreed_at, b.starts_at, b.ends_at, f"Detachering {b.borrower_name} ({b.function})",
                                 (b.site_name, b.site_address, b.site_city), b.break_minutes))
    cal.add_missing_timezones()  # a VTIMEZONE for every TZID the events use (RFC 5545 3.6.5)
    return cal.to_ical()


def _event(uid: object, changed_at: datetime, starts_at: datetime, ends_at: datetime, summary: str,
           place: tuple[str, str | None, str | None], break_minutes: int) -> Event:
    """One worked stretch (a booked shift, a secondment shift) as a VEVENT."""
    event = Event()
    event.add("uid", f"{uid}@flexpool")
    # When the event last changed (RFC 5545 3.8.7.2, a feed without METHOD): a client that polls sees the same
    # DTSTAMP until the booking (or the secondment's agreement) itself changes.
    event.add("dtstamp", changed_at)
    event.add("last-modified", changed_at)
    event.add("dtstart", starts_at.astimezone(AMSTERDAM))
    event.add("dtend", ends_at.astimezone(AMSTERDAM))
    event.add("summary", summary)
    event.add("location", ", ".join(x for x in place if x))
    event.add("description", f"Pauze {break_minutes} min. Locatie {place[0]}.")
    event.add("status", "CONFIRMED")
    return event
