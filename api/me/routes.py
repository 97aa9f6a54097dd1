"""The caller's own profile, preferences and devices."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Annotated, Any
from uuid import UUID

import msgspec
from asyncpg import Connection
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.me.schemas import (
    Availability,
    CalendarLink,
    Device,
    DeviceIn,
    Grant,
    Me,
    Notification,
    Preferences,
    PreferencesIn,
    QuietHours,
)
from api.organisations.schemas import Invitation, invitation_out, worker_out
from api.pagination import Cursor, Limit, Page, decode_cursor, page, page_of
from api.wire import at
from flexpool.db import notifications as notifications_db
from flexpool.domain import availability, preferences
from flexpool.domain.messages import render
from flexpool.domain.vocabulary import Role
from flexpool.services import calendar as calendar_service
from flexpool.services import invitations as invitations_service
from flexpool.services import leavers
from flexpool.services import me as me_service
from flexpool.services.principal import Principal

DeviceToken = Annotated[str, Parameter(min_length=1, max_length=4096, description="the FCM registration token")]


def me_out(p: Principal, profile: me_service.Profile) -> Me:
    user, worker = profile.user, profile.worker
    quiet = QuietHours(user.quiet_from.strftime("%H:%M"), user.quiet_to.strftime("%H:%M")) \
        if user.quiet_from is not None and user.quiet_to is not None else None
    prefs = Preferences(language=user.language, digest=user.digest, quiet_hours=quiet,
                        opted_in=worker.worker_opt_in if worker else None, nights=worker.nights if worker else None,
                        max_travel_km=worker.max_travel_km if worker else None,
                        availability=[_availability_out(w) for w in worker.availability] if worker else None,
                        max_extra_minutes_per_week=worker.max_extra_minutes_per_week if worker else None)
    return Me(id=user.id, email=user.email, name=user.name,
              roles=[Grant(Role(r.role), r.organisation_id, r.organisation_name, r.region_id) for r in p.roles],
              organisations=p.organisations(), preferences=prefs, worker=worker_out(worker) if worker else None)


def _availability_out(row: Sequence[int]) -> Availability:
    day, start, end = availability.clock_of(availability.Window(*row))
    return Availability(day, start.strftime("%H:%M"), end.strftime("%H:%M"))


class MeController(Controller):
    path = "/v1/me"
    tags = ["me"]

    @get("/", summary="The caller: roles, organisations, worker profile")
    async def me(self, conn: Connection, p: Principal) -> Me:
        return me_out(p, await me_service.profile(conn, p))

    @patch("/preferences", summary="Change the caller's preferences")
    async def preferences(self, conn: Connection, p: Principal, data: PreferencesIn) -> Me:
        quiet, windows = data.quiet_hours, data.availability
        change = preferences.PreferencesChange(
            language=data.language, digest=data.digest, opted_in=data.opted_in, nights=data.nights,
            max_travel_km=data.max_travel_km, max_extra_minutes_per_week=data.max_extra_minutes_per_week,
            quiet_hours=quiet if quiet is msgspec.UNSET or quiet is None else
            preferences.QuietHours(time.fromisoformat(quiet.from_), time.fromisoformat(quiet.to)),
            availability=windows if windows is msgspec.UNSET or windows is None else
            [availability.window(a.day, time.fromisoformat(a.from_), time.fromisoformat(a.to)) for a in windows])
        return me_out(p, await me_service.update_preferences(conn, p, change))

    @put("/devices/{token:str}", status_code=HTTP_204_NO_CONTENT, summary="Register or refresh an FCM token")
    async def put_device(self, conn: Connection, p: Principal, now: datetime, token: DeviceToken,
                         data: DeviceIn) -> None:
        await me_service.register_device(conn, p, token, data.platform, now)

    @delete("/devices/{token:str}", status_code=HTTP_204_NO_CONTENT, summary="Forget an FCM token")
    async def delete_device(self, conn: Connection, p: Principal, token: DeviceToken) -> None:
        await me_service.remove_device(conn, p, token)

    @get("/devices", summary="The caller's devices")
    async def devices(self, conn: Connection, p: Principal, limit: Limit = 50, cursor: Cursor = None) -> Page[Device]:
        rows = await me_service.devices(conn, p)
        return page_of([Device(d.token, d.platform, at(d.last_seen_at)) for d in rows], limit, cursor,
                       lambda d: (d.token,), parts=1)

    @get("/notifications", summary="What was sent or held for the caller, newest first")
    async def notifications(self, conn: Connection, p: Principal, limit: Limit = 50,
                            cursor: Cursor = None) -> Page[Notification]:
        after = decode_cursor(cursor, int)
        rows = await me_service.notifications(conn, p, before_id=after[0] if after else None, limit=limit + 1)

        def shape(n: notifications_db.Notification) -> Notification:
            title, body = (n.title, n.body) if n.title is not None else render(n.kind, n.data, p.language)
            return Notification(id=n.id, kind=n.kind, title=title, body=body or "", data=n.data, urgent=n.urgent,
                                   status=n.status, created_at=at(n.created_at), sent_at=at(n.sent_at))
        return page(rows, limit, shape, lambda n: (n.id,))

    @get("/invitations", summary="Invitations waiting for the caller's consent")
    async def invitations(self, conn: Connection, p: Principal, now: datetime, limit: Limit = 50,
                          cursor: Cursor = None) -> Page[Invitation]:
        return page_of([invitation_out(r) for r in await invitations_service.mine(conn, p, now)], limit, cursor,
                       lambda i: (i.created_at.isoformat(), str(i.id)))

    @get("/export", summary="Everything FlexPool holds on the caller (JSON), for the right of access (AVG art. 15)")
    async def export(self, conn: Connection, p: Principal, now: datetime) -> dict[str, Any]:
        return await leavers.export(conn, p, now)

    @get("/calendar", summary="The secret iCalendar subscription URL of the worker's booked shifts")
    async def calendar(self, request: Request, conn: Connection, p: Principal) -> CalendarLink:
        secret = await calendar_service.secret(conn, p)
        return CalendarLink(url=f"{request.app.state.settings.public_url}/v1/calendar/{secret}.ics")

    @post("/calendar/rotate", status_code=200, summary="A new secret: the old subscription URL stops working")
    async def rotate_calendar(self, request: Request, conn: Connection, p: Principal) -> CalendarLink:
        secret = await calendar_service.rotate(conn, p)
        return CalendarLink(url=f"{request.app.state.settings.public_url}/v1/calendar/{secret}.ics")


class InvitationController(Controller):
    path = "/v1/invitations"
    tags = ["me"]

    @post("/{invitation_id:uuid}/accept", status_code=200, summary="Accept an invitation: the roles or the "
                                                                   "worker profile start now")
    async def accept(self, conn: Connection, p: Principal, now: datetime, invitation_id: UUID) -> Invitation:
        return invitation_out(await invitations_service.accept(conn, p, invitation_id, now))

    @post("/{invitation_id:uuid}/decline", status_code=200, summary="Decline an invitation")
    async def decline(self, conn: Connection, p: Principal, now: datetime, invitation_id: UUID) -> Invitation:
        return invitation_out(await invitations_service.decline(conn, p, invitation_id, now))


@get("/v1/calendar/{secret:str}", exclude_from_auth=True, tags=["me"], media_type="text/calendar",
     summary="The iCalendar feed (no header needed: the secret in the URL is the key)")
async def calendar_feed(conn: Connection, now: datetime, secret: str) -> Response[bytes]:
    body = await calendar_service.feed(conn, secret.removesuffix(".ics"), now)
    return Response(body, media_type="text/calendar",  # Litestar adds the one charset: utf-8
                    headers={"Cache-Control": "no-store"})
