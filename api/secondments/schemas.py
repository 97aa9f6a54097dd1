"""Secondments (detachering) on the wire."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from api.wire import Camel, Code, Instant, Out, at
from flexpool.db import secondments as secondments_db
from flexpool.domain.clock import minutes_between
from flexpool.domain.vocabulary import SecondmentStatus


class SecondmentIn(Camel):
    """The borrower proposes: who, which days (`from` to `to`, both included), how many minutes a week, in which
    function and where. The lender's orgAdmin and the worker each approve before it is active."""

    worker_id: UUID
    from_: date = msgspec.field(name="from")
    to: date
    minutes_per_week: Annotated[int, msgspec.Meta(ge=60, le=3600)]
    function: Code
    site_id: UUID
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    organisation_id: UUID | None = None  # the borrower, for a planner of several organisations


class SecondmentBlockIn(Camel):
    starts_at: Instant
    ends_at: Instant
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=720, description="left out: the least the law asks for "
                                                                          "the block's length")] | None = None


class SecondmentRosterIn(Camel):
    """Replaces the secondment's blocks that start inside [from, to)."""

    from_: Instant = msgspec.field(name="from")
    to: Instant
    blocks: Annotated[list[SecondmentBlockIn], msgspec.Meta(max_length=1000)]


class SecondmentEndIn(Camel):
    on: date  # the last day of the secondment
    reason: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class SecondmentBlock(Out):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    paid_minutes: int


class Ref(Out):
    id: UUID
    name: str


class Approvals(Out):
    """When each party that consents said yes: the lender's orgAdmin and the worker."""

    lender_at: datetime | None
    worker_at: datetime | None


class Secondment(Out):
    id: UUID
    worker: Ref
    lender: Ref  # the worker's home employer: keeps employing and paying them, and is reimbursed
    borrower: Ref
    site: Ref
    function: str
    from_: date = msgspec.field(name="from")
    to: date  # the last day
    minutes_per_week: int
    note: str | None
    status: SecondmentStatus
    proposed_at: datetime
    approved: Approvals
    declined_at: datetime | None
    ended_at: datetime | None
    blocks: list[SecondmentBlock] | None = None


def block_out(b: secondments_db.Block) -> SecondmentBlock:
    return SecondmentBlock(b.id, at(b.starts_at), at(b.ends_at), b.break_minutes,
                           minutes_between(b.starts_at, b.ends_at) - b.break_minutes)


def secondment_out(s: secondments_db.Secondment, blocks: list[secondments_db.Block] | None = None) -> Secondment:
    return Secondment(
        id=s.id, worker=Ref(s.worker_id, s.worker_name), lender=Ref(s.lender_id, s.lender_name),
        borrower=Ref(s.borrower_id, s.borrower_name), site=Ref(s.site_id, s.site_name), function=s.function,
        from_=s.starts_on, to=s.ends_on, minutes_per_week=s.minutes_per_week, note=s.note, status=s.status,
        proposed_at=at(s.proposed_at), approved=Approvals(at(s.lender_approved_at), at(s.worker_approved_at)),
        declined_at=at(s.declined_at), ended_at=at(s.ended_at),
        blocks=[block_out(b) for b in blocks] if blocks is not None else None)
