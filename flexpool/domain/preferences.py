"""What a user sets for themself. Language, digest and quiet hours are anyone's; the rest belongs to a pool
worker: whether they want extra shifts at all, nights, how far they travel, and when extra shifts suit them
(flexpool.domain.availability). A worker's own opt-in can only narrow what the employer allows, never widen
it, so it is a column of its own (worker_opt_in beside the employer's employer_opt_in)."""
from __future__ import annotations

from datetime import time
from typing import Any

import msgspec
from msgspec import UNSET

from flexpool.domain.availability import Window
from flexpool.domain.changes import Change, Given
from flexpool.domain.vocabulary import Digest, Language


class QuietHours(msgspec.Struct, frozen=True):
    """No push between these local times (the notification waits in the app); `end` before `start` spans
    midnight."""

    start: time
    end: time


class PreferencesChange(Change, frozen=True, kw_only=True, omit_defaults=True):
    language: Given[Language] = UNSET
    digest: Given[Digest] = UNSET
    quiet_hours: Given[QuietHours | None] = UNSET  # None: no quiet hours
    # A pool worker's own.
    opted_in: Given[bool] = UNSET
    nights: Given[bool] = UNSET
    max_travel_km: Given[int | None] = UNSET
    max_extra_minutes_per_week: Given[int | None] = UNSET
    availability: Given[list[Window] | None] = UNSET  # None or []: any time suits

    def worker_columns(self) -> dict[str, Any]:
        """The worker's own settings given, as columns of workers."""
        columns = {k: v for k, v in self.given().items()
                   if k in ("opted_in", "nights", "max_travel_km", "max_extra_minutes_per_week")}
        if "opted_in" in columns:
            columns["worker_opt_in"] = columns.pop("opted_in")
        return columns

    def for_workers_only(self) -> list[str]:
        """The fields given that only a pool worker has."""
        return [k for k in self.given() if k not in ("language", "digest", "quiet_hours")]
