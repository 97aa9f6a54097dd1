"""What a use case can refuse with; the HTTP layer maps each to a problem type (RFC 9457)."""
from __future__ import annotations

from uuid import UUID

from flexpool.domain.model import Blocker
from flexpool.domain.vocabulary import BlockerType, ProblemType


class ServiceError(Exception):
    slug: ProblemType = ProblemType.INTERNAL
    status = 500

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotFound(ServiceError):
    slug, status = ProblemType.NOT_FOUND, 404

    def __init__(self, what: str = "resource"):
        super().__init__(f"The {what} does not exist or you may not see it.")


class Forbidden(ServiceError):
    slug, status = ProblemType.FORBIDDEN, 403

    def __init__(self, detail: str = "Your role does not allow this."):
        super().__init__(detail)


class Invalid(ServiceError):
    slug, status = ProblemType.VALIDATION, 422

    def __init__(self, errors: list[tuple[str, str]], detail: str | None = None):
        super().__init__(detail or "; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


class Conflict(ServiceError):
    """A state conflict with a stable slug of its own (shift-full, cancellation-window, ...)."""

    status = 409
    per_shift: dict[UUID, list[Blocker]] | None = None  # a refused series: the blockers of each shift

    def __init__(self, slug: ProblemType, detail: str, blockers: list[Blocker] | None = None, voice: str = "worker",
                 wording: Blocker | None = None):
        super().__init__(detail)
        self.slug = slug
        self.blockers = blockers or []
        self.voice = voice  # blockers are told to the worker, or to the planner who books the worker
        # the detail, in the caller's words (None: `detail` as written)
        self.wording: Blocker | None = wording or (self.blockers[0] if self.blockers else None)


def problem_type(blocker: Blocker) -> ProblemType:
    """A blocker's problem type: its own, but /problems/unavailable is the 503, so a worker who is unavailable
    has a type of their own."""
    return ProblemType.WORKER_UNAVAILABLE if blocker.type == BlockerType.UNAVAILABLE else ProblemType(blocker.type)


def refusal(blockers: list[Blocker], voice: str = "worker") -> Conflict:
    """A refused booking: the first blocker is the problem, all of them are listed."""
    return Conflict(problem_type(blockers[0]), blockers[0].detail, blockers, voice)
