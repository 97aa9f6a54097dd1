"""Cursor pagination: `{items, nextCursor}` with an opaque cursor over the sort key and the id."""
from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.params import Parameter

from flexpool.services.errors import Invalid

T = TypeVar("T")
R = TypeVar("R")

Limit = Annotated[int, Parameter(ge=1, le=500, description="page size (default 50, max 500)")]
Cursor = Annotated[str | None, Parameter(description="nextCursor of the previous page")]


class Page(msgspec.Struct, Generic[T], rename="camel"):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*key: object) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode([str(k) for k in key])).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """The sort key a cursor carries, each part converted to its type: a crafted or truncated cursor is a
    422, never a 500 further down. Timestamps must carry their offset, as the service writes them."""
    if not cursor:
        return None
    try:
        parts = msgspec.json.decode(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)), type=list[str])
        if len(parts) != len(types) or len(cursor) > 512:
            raise ValueError("wrong shape")
        values = tuple(_convert(t, v) for t, v in zip(types, parts, strict=True))
    except Exception:
        raise Invalid([("cursor", "not a cursor this service issued")]) from None
    return values


def _convert(kind: type, value: str) -> object:
    if kind is datetime:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or not 1900 <= moment.year <= 2200:
            raise ValueError("not an instant")
        return moment
    if kind is int and len(value) > 18:
        raise ValueError("too large")
    return kind(value)


def page(rows: list[R], limit: int, item: Callable[[R], T], key: Callable[[R], tuple[object, ...]]) -> Page[T]:
    """`rows` fetched with limit + 1: the extra row only tells that there is a next page."""
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=[item(r) for r in rows], next_cursor=encode_cursor(*key(rows[-1])) if more and rows else None)


def page_of(items: list[T], limit: int, cursor: str | None, key: Callable[[T], tuple[str, ...]],
            parts: int = 2) -> Page[T]:
    """A bounded list that is loaded whole (an organisation's members, a shift's applications, a month's
    statements) served in pages like every other list: ordered by `key` (a tuple of `parts` strings),
    the cursor carries the last key served."""
    after = decode_cursor(cursor, *([str] * parts))
    ordered = sorted(items, key=key)
    if after is not None:
        ordered = [item for item in ordered if key(item) > after]
    more = len(ordered) > limit
    ordered = ordered[:limit]
    return Page(items=ordered, next_cursor=encode_cursor(*key(ordered[-1])) if more and ordered else None)
