"""Plain values the rules work on; no I/O anywhere in flexpool.domain."""
from __future__ import annotations

from datetime import date

import msgspec

from flexpool.domain.wording import blocker_text

# The order in which refusals are named (CONTRACT.md): the first that applies is the problem type.
BLOCKER_ORDER = (
    "shift-not-open", "shift-full", "not-in-audience", "unavailable", "overlap", "rest-period", "shift-too-long",
    "week-hours", "night-shift-rules", "qualification", "credential", "loan-limit", "excluded",
)


class Blocker(msgspec.Struct, frozen=True):
    """Why a worker cannot take a shift: the problem type, and a reason with its numbers for the wording."""

    type: str
    reason: str
    params: dict[str, str | int] = {}

    def words(self, language: str = "nl", voice: str = "worker") -> str:
        """The sentence for the worker, or about the worker for a planner (flexpool.domain.wording); never
        names another organisation."""
        return blocker_text(self.type, self.reason, self.params, language, voice)

    @property
    def detail(self) -> str:
        """English, for logs and tests; the worker reads `words(language)`."""
        return self.words("en")


def ordered(blockers: list[Blocker]) -> list[Blocker]:
    return sorted(blockers, key=lambda b: BLOCKER_ORDER.index(b.type))


# Refusals that come from the worker's other work or the home employer's limits: told to the worker in
# full, but to a planner of another organisation only as one `unavailable` (CONTRACT.md v1.1), since the
# reason would tell that organisation about the worker's other employers and their rosters.
OTHER_WORK = frozenset({"overlap", "rest-period", "week-hours", "night-shift-rules", "loan-limit"})
UNAVAILABLE = "unavailable"


def towards_other_organisation(blockers: list[Blocker]) -> list[Blocker]:
    """The blockers as a planner of an organisation other than the worker's home employer may hear them."""
    hidden = [b for b in blockers if b.type in OTHER_WORK and b.reason != "already-booked"]
    if not hidden:
        return blockers
    return ordered([b for b in blockers if b not in hidden] + [Blocker(UNAVAILABLE, UNAVAILABLE)])


class Credential(msgspec.Struct, frozen=True):
    kind: str
    number: str | None = None
    valid_until: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day
