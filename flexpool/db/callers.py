"""Writes that change who a caller is (their account, roles, region, language) say so to the request that
made them, so that request's process forgets the callers it caches before the answer goes out: the one who
just ended a role must not be served by it on the next request. Other processes hear of it through
PostgreSQL's notification (migration 0014), which arrives a moment later."""
from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# A box per request (a mutable one, so a write made in a task the request started still reaches it).
_CHANGED: ContextVar[list[bool] | None] = ContextVar("flexpool_callers_changed", default=None)


@contextmanager
def watched() -> Iterator[list[bool]]:
    box = [False]
    token = _CHANGED.set(box)
    try:
        yield box
    finally:
        _CHANGED.reset(token)


def changes_callers(write: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(write)
    async def noted(*args: P.args, **kwargs: P.kwargs) -> R:
        result = await write(*args, **kwargs)
        box = _CHANGED.get()
        if box is not None:
            box[0] = True
        return result

    return noted
