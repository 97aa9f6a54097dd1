"""A PATCH as a command: the caller names only what changes. A field left UNSET stays as it is; None clears
it where the field may be empty. One base, so every change reads its given fields the same way."""
from __future__ import annotations

from typing import Any, TypeAlias, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

T = TypeVar("T")

# A field of a change: a value, or UNSET when the caller did not send it (Given[str | None]: None clears it).
Given: TypeAlias = T | UnsetType


class Change(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    def given(self) -> dict[str, Any]:
        """The fields the caller sent, by name (for a worker's details and an organisation: column names)."""
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not UNSET}
