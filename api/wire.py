"""What every area's shapes share: camelCase on the wire, closed request bodies (api.input), bounded
text, instants in the region's local offset."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, overload
from uuid import UUID

import msgspec
from litestar.params import Parameter

from api.input import Input
from flexpool.domain import model
from flexpool.domain.clock import local

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


Text = Annotated[str, msgspec.Meta(max_length=200, description="free text, one line")]


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=60, description="a code from the catalogue")]


Postcode = Annotated[str, msgspec.Meta(max_length=16)]


Ids = Annotated[list[UUID], msgspec.Meta(max_length=500)]


Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]


RoleName = Literal["orgAdmin", "planner", "finance", "worker"]


Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]


Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]


When = Annotated[datetime | None, Parameter(description="RFC 3339 instant with offset")]
Instant = Annotated[datetime, msgspec.Meta(tz=True, description="RFC 3339 with an offset")]


class Camel(Input):
    """A request body: closed, camelCase, its text normalised and its dates checked (api.input)."""


class Out(msgspec.Struct, rename="camel"):
    pass


@overload
def at(instant: datetime) -> datetime: ...


@overload
def at(instant: None) -> None: ...


def at(instant: datetime | None) -> datetime | None:
    """Answers use the region's local offset."""
    return local(instant) if instant is not None else None


Minutes = Annotated[int, msgspec.Meta(ge=0, le=3600)]


SkillCode = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


EmployeeNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=40, description="the HR personnel number")]


class Reason(Camel):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class OptionalReason(Camel):
    reason: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class Blocker(Out):
    type: str
    detail: str


class ShiftBlockers(Out):
    """Why one shift of a series cannot be taken."""

    shift_id: UUID
    blockers: list[Blocker]


def blockers_out(blockers: list[model.Blocker], language: str, voice: str = "worker") -> list[Blocker]:
    """Each blocker worded for the caller: the worker, or a planner about the worker."""
    return [Blocker(b.type, b.words(language, voice)) for b in blockers]


def per_shift_out(per_shift: dict[UUID, list[model.Blocker]], language: str,
                  voice: str = "worker") -> list[ShiftBlockers]:
    """The blockers of each shift of a series, worded for the caller: in an offer, and in a refused accept."""
    return [ShiftBlockers(shift_id, blockers_out(blockers, language, voice)) for shift_id, blockers in per_shift.items()]
