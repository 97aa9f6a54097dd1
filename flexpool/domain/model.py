"""Plain values the rules work on; no I/O anywhere in flexpool.domain."""
from __future__ import annotations

from datetime import date

import msgspec

from flexpool.domain.vocabulary import BlockerType, ProblemType, Reason
from flexpool.domain.wording import blocker_text

# The order in which refusals are named (CONTRACT.md): the first that applies is the problem type.
BLOCKER_ORDER = tuple(BlockerType)


# Which reasons each kind of refusal gives: a planner's sentence is per kind (flexpool.domain.wording), so it
# may only use numbers every reason of its kind carries.
REASONS: dict[BlockerType, frozenset[Reason]] = {
    BlockerType.SHIFT_NOT_OPEN: frozenset({Reason.NOT_OPEN}),
    BlockerType.SHIFT_FULL: frozenset({Reason.FULL}),
    BlockerType.NOT_IN_AUDIENCE: frozenset({Reason.NOT_REACHED_YET, Reason.OPTED_OUT, Reason.TOO_FAR,
                                            Reason.WORKER_NOT_IN_POOL}),
    BlockerType.UNAVAILABLE: frozenset({Reason.UNAVAILABLE}),
    BlockerType.OVERLAP: frozenset({Reason.OVERLAP, Reason.ALREADY_BOOKED}),
    BlockerType.REST_PERIOD: frozenset({Reason.REST, Reason.REST_MINOR, Reason.REST_SHORT_USED}),
    BlockerType.SHIFT_TOO_LONG: frozenset({Reason.TOO_LONG, Reason.TOO_LONG_TOGETHER}),
    BlockerType.WEEK_HOURS: frozenset({Reason.WEEK_MAXIMUM, Reason.WEEK_AVERAGE, Reason.WEEKLY_REST}),
    BlockerType.NIGHT_SHIFT_RULES: frozenset({Reason.MINOR_NIGHT, Reason.NIGHTS_FROM_55, Reason.NIGHT_TOO_LONG,
                                              Reason.REST_AFTER_NIGHT, Reason.REST_AFTER_NIGHT_SERIES,
                                              Reason.SERIES_LENGTH, Reason.LATE_NIGHTS}),
    BlockerType.QUALIFICATION: frozenset({Reason.FUNCTION, Reason.BIG, Reason.STUDENT_SUPERVISION,
                                          Reason.STUDENTS_NOT_WELCOME}),
    BlockerType.CREDENTIAL: frozenset({Reason.SKILL, Reason.CERTIFICATE, Reason.VOG}),
    BlockerType.LOAN_LIMIT: frozenset({Reason.LOAN_LIMIT}),
    BlockerType.EXCLUDED: frozenset({Reason.EXCLUDED}),
}


class Blocker(msgspec.Struct, frozen=True):
    """Why a worker cannot take a shift: the problem type, and a reason with its numbers for the wording."""

    type: BlockerType | ProblemType  # a conflict told in a refusal's words (cancellation-window) has its own
    reason: Reason
    params: dict[str, str | int] = {}

    def __post_init__(self) -> None:
        if self.type in REASONS and self.reason not in REASONS[BlockerType(self.type)]:
            raise ValueError(f"{self.reason} is not a reason of {self.type}")

    def words(self, language: str = "nl", voice: str = "worker") -> str:
        """The sentence for the worker, or about the worker for a planner (flexpool.domain.wording); never
        names another organisation."""
        return blocker_text(self.type, self.reason, self.params, language, voice)

    @property
    def detail(self) -> str:
        """English, for logs and tests; the worker reads `words(language)`."""
        return self.words("en")


def ordered(blockers: list[Blocker]) -> list[Blocker]:
    return sorted(blockers, key=lambda b: BLOCKER_ORDER.index(BlockerType(b.type)))


# Refusals that come from the worker's other work or the home employer's limits: told to the worker in
# full, but to a planner of another organisation only as one `unavailable` (CONTRACT.md v1.1), since the
# reason would tell that organisation about the worker's other employers and their rosters.
OTHER_WORK = frozenset({BlockerType.OVERLAP, BlockerType.REST_PERIOD, BlockerType.WEEK_HOURS,
                        BlockerType.NIGHT_SHIFT_RULES, BlockerType.LOAN_LIMIT})


def towards_other_organisation(blockers: list[Blocker]) -> list[Blocker]:
    """The blockers as a planner of an organisation other than the worker's home employer may hear them."""
    hidden = [b for b in blockers if b.type in OTHER_WORK and b.reason != Reason.ALREADY_BOOKED]
    if not hidden:
        return blockers
    return ordered([b for b in blockers if b not in hidden] + [Blocker(BlockerType.UNAVAILABLE, Reason.UNAVAILABLE)])


class Credential(msgspec.Struct, frozen=True):
    kind: str
    number: str | None = None
    valid_until: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day
