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
        event = Event()
        event.add("uid", f"{a.id}@flexpool")
        # When the event last changed (RFC 5545 3.8.7.2, a feed without METHOD): a client that polls sees
        # the same DTSTAMP until the booking itself changes.
        event.add("dtstamp", a.booked_at)
        event.add("last-modified", a.booked_at)
        event.add("dtstart", a.starts_at.astimezone(AMSTERDAM))
        event.add("dtend", a.ends_at.astimezone(AMSTERDAM))
        event.add("summary", f"Dienst {a.organisation_name} ({a.function})")
        event.add("location", ", ".join(x for x in (a.site_name, a.site_address, a.site_city) if x))
        event.add("description", f"Pauze {a.break_minutes} min. Locatie {a.site_name}.")
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    for b in await secondments_db.blocks_of_worker(conn, worker.id, now - WINDOW_BACK, now + WINDOW_AHEAD):
        event = Event()
        event.add("uid", f"{b.id}@flexpool")
        event.add("dtstamp", b.agreed_at)
        event.add("dtstart", b.starts_at.astimezone(AMSTERDAM))
        event.add("dtend", b.ends_at.astimezone(AMSTERDAM))
        event.add("summary", f"Detachering {b.borrower_name} ({b.function})")
        event.add("location", ", ".join(x for x in (b.site_name, b.site_address, b.site_city) if x))
        event.add("description", f"Pauze {b.break_minutes} min. Locatie {b.site_name}.")
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for every TZID the events use (RFC 5545 3.6.5)
    return cal.to_ical()
