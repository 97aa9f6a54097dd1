"""Who may take which shift: function ladder, BIG, skills and credentials, loan limit, exclusions, audience."""
from __future__ import annotations

from datetime import datetime
from math import asin, cos, radians, sin, sqrt

import msgspec

from flexpool.domain.catalogue import Catalogue
from flexpool.domain.clock import local
from flexpool.domain.model import Blocker, Credential
from flexpool.domain.vocabulary import BlockerType, Reason


class Candidate(msgspec.Struct, frozen=True):
    """What eligibility needs to know of a worker."""

    home_organisation_id: str
    function: str
    skills: frozenset[str]
    credentials: tuple[Credential, ...]
    opted_in: bool = True
    max_loan_minutes_per_month: int | None = None
    excluded_organisation_ids: frozenset[str] = frozenset()
    blocked_by: frozenset[str] = frozenset()
    home: tuple[float, float] | None = None
    max_travel_km: int | None = None
    favourite_of: frozenset[str] = frozenset()  # organisations whose first wave reaches this worker
    student_supervisor_function: str | None = None  # a student: the function that must supervise them, at least

    @property
    def student(self) -> bool:
        return self.student_supervisor_function is not None


class Offer(msgspec.Struct, frozen=True):
    """What eligibility needs to know of a shift."""

    organisation_id: str
    function: str
    skills: frozenset[str]
    starts_at: datetime
    ends_at: datetime
    paid_minutes: int
    partners_at: datetime
    region_at: datetime
    partner_organisation_ids: frozenset[str] = frozenset()
    site: tuple[float, float] | None = None
    students_welcome: bool = False
    supervisor_function: str | None = None  # who supervises students on this shift


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(h))


def reached(worker: Candidate, shift: Offer, now: datetime) -> bool:
    """Has the shift's current wave reached this worker? The first wave reaches the organisation's own
    workers and its favourites (named pool workers of any organisation)."""
    if worker.home_organisation_id == shift.organisation_id or shift.organisation_id in worker.favourite_of:
        return True
    if worker.home_organisation_id in shift.partner_organisation_ids and now >= shift.partners_at:
        return True
    return now >= shift.region_at


def too_far(worker: Candidate, shift: Offer) -> bool:
    if worker.max_travel_km is None or worker.home is None or shift.site is None:
        return False
    return distance_km(worker.home, shift.site) > worker.max_travel_km


def never_reaches(worker: Candidate, shift: Offer) -> bool:
    """The shift will never be offered to this worker, whatever the wave: opted out (by themselves or the
    employer), too far, excluded by the worker or blocked by the organisation. Such a shift is not found
    for the worker by any verb (CONTRACT.md v1.1), so that a refusal does not tell that it exists."""
    return (not worker.opted_in or too_far(worker, shift) or bool(exclusion_blockers(worker, shift))
            or (worker.student and not shift.students_welcome))


def audience_blockers(worker: Candidate, shift: Offer, now: datetime) -> list[Blocker]:
    if not worker.opted_in:
        return [Blocker(BlockerType.NOT_IN_AUDIENCE, Reason.OPTED_OUT)]
    if too_far(worker, shift):
        return [Blocker(BlockerType.NOT_IN_AUDIENCE, Reason.TOO_FAR)]
    if not reached(worker, shift, now):
        return [Blocker(BlockerType.NOT_IN_AUDIENCE, Reason.NOT_REACHED_YET)]
    return []


def qualification_blockers(worker: Candidate, shift: Offer, catalogue: Catalogue) -> list[Blocker]:
    out = []
    wanted = catalogue.function(shift.function)
    if not catalogue.may_take(worker.function, shift.function):
        label = wanted.label if wanted else shift.function
        out.append(Blocker(BlockerType.QUALIFICATION, Reason.FUNCTION, {"function": label}))
    elif wanted is not None and wanted.needs_big:
        day = local(shift.starts_at).date()
        if not any(c.kind == "big" and c.number and len(c.number) == 11 and c.number.isdigit() and c.valid_on(day)
                   for c in worker.credentials):
            out.append(Blocker(BlockerType.QUALIFICATION, Reason.BIG))
    return out + student_blockers(worker, shift, catalogue)


def student_blockers(worker: Candidate, shift: Offer, catalogue: Catalogue) -> list[Blocker]:
    """A student takes only shifts that welcome students, and only where the supervising function named on
    the shift may do the work of the function the school asks to supervise them (same track, as high)."""
    if not worker.student:
        return []
    if not shift.students_welcome or shift.supervisor_function is None:
        return [Blocker(BlockerType.QUALIFICATION, Reason.STUDENTS_NOT_WELCOME)]
    wanted = str(worker.student_supervisor_function)
    if not catalogue.may_take(shift.supervisor_function, wanted):
        def label(code: str) -> str:
            found = catalogue.function(code)
            return found.label if found else code
        return [Blocker(BlockerType.QUALIFICATION, Reason.STUDENT_SUPERVISION,
                        {"function": label(wanted), "supervisor": label(shift.supervisor_function)})]
    return []


def credential_blockers(worker: Candidate, shift: Offer, catalogue: Catalogue) -> list[Blocker]:
    out = []
    last_day = local(shift.ends_at).date()
    for code in sorted(shift.skills):
        skill = catalogue.skills.get(code)
        label = skill.label if skill else code
        if code not in worker.skills:
            out.append(Blocker(BlockerType.CREDENTIAL, Reason.SKILL, {"skill": label}))
        elif skill is not None and skill.credential_kind and not any(
                c.kind == skill.credential_kind and c.valid_on(last_day) for c in worker.credentials):
            out.append(Blocker(BlockerType.CREDENTIAL, Reason.CERTIFICATE, {"skill": label}))
    if not any(c.kind == "vog" and c.valid_on(last_day) for c in worker.credentials):
        out.append(Blocker(BlockerType.CREDENTIAL, Reason.VOG))
    return out


def loan_blockers(worker: Candidate, shift: Offer, loaned_minutes_that_month: int) -> list[Blocker]:
    if worker.home_organisation_id == shift.organisation_id or worker.max_loan_minutes_per_month is None:
        return []
    if loaned_minutes_that_month + shift.paid_minutes > worker.max_loan_minutes_per_month:
        return [Blocker(BlockerType.LOAN_LIMIT, Reason.LOAN_LIMIT)]
    return []


def exclusion_blockers(worker: Candidate, shift: Offer) -> list[Blocker]:
    if shift.organisation_id in worker.excluded_organisation_ids or shift.organisation_id in worker.blocked_by:
        return [Blocker(BlockerType.EXCLUDED, Reason.EXCLUDED)]
    return []



