"""Records become read models: each flexpool/db module names what its queries return as a msgspec Struct
whose fields are the query's columns, so the shell above reads typed attributes, not strings."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import msgspec

Model = TypeVar("Model", bound=msgspec.Struct)


def one(model: type[Model], record: Mapping[str, Any] | None) -> Model | None:
    return model(**record) if record is not None else None


def many(model: type[Model], records: Iterable[Mapping[str, Any]]) -> list[Model]:
    return [model(**r) for r in records]


def in_order(model: type[Model], records: Iterable[Mapping[str, Any]]) -> list[Model]:
    """Like `many`, for the large reads (a month's settlement is 100,000 rows): the query selects the model's
    fields in their order, so each Struct is built from the record's values by position, about nine times
    faster than by keyword. The order is checked on the first record, so a query and its model cannot drift
    apart silently."""
    rows = list(records)
    if rows and tuple(rows[0].keys()) != model.__struct_fields__:
        raise LookupError(f"the query does not select the fields of {model.__name__} in order: {tuple(rows[0].keys())}")
    return [model(*r.values()) for r in rows]


def referenced(found: Model | None, what: str, key: object) -> Model:
    """A row the caller reached through another that points at it (rows here are ended, never deleted), or
    the statement just wrote: its absence is a defect, not a 404."""
    if found is None:
        raise LookupError(f"{what} {key} is referenced but does not exist")
    return found
