"""What a home employer records of its worker, as commands: the profile's details (a change names only what
changes; the rest is UNSET), the credentials on file, and the organisations excluded; with the rules they keep."""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from msgspec import UNSET

from flexpool.domain.catalogue import CREDENTIAL_KINDS, Catalogue
from flexpool.domain.changes import Change, Given
from flexpool.domain.shifts import FieldError
from flexpool.domain.worktime import Interval, roster_problems


class WorkerDetails(Change, frozen=True, kw_only=True, omit_defaults=True):
    """Worker columns by name; UNSET: not given (a new worker takes the column's default, a change keeps it).
    Encoded (msgspec.to_builtins) it is the invitation's stored profile, so it reads back the same."""

    # What the worker is and does at home: the checks of every accept read these.
    function: Given[str] = UNSET
    skills: Given[list[str]] = UNSET
    date_of_birth: Given[date | None] = UNSET  # the minors' rules and nights from 55
    employee_number: Given[str | None] = UNSET
    contract_minutes_per_week: Given[int] = UNSET
    # Where they live: how far a shift is (their own maximum is a preference).
    home_postcode: Given[str | None] = UNSET
    home_latitude: Given[float | None] = UNSET
    home_longitude: Given[float | None] = UNSET
    # The home employer's limits on lending them out.
    employer_opt_in: Given[bool] = UNSET
    max_loan_minutes_per_month: Given[int | None] = UNSET
    # A student (BBL): their school, level, and the function that must supervise them.
    student_school: Given[str | None] = UNSET
    student_level: Given[str | None] = UNSET
    student_supervisor_function: Given[str | None] = UNSET


class CredentialRecord(msgspec.Struct, frozen=True):
    kind: str
    number: str | None = None
    valid_until: date | None = None


class NewWorker(msgspec.Struct, frozen=True, kw_only=True):
    """The home employer adds a worker: their account (e-mail, name) and their profile."""

    email: str
    name: str
    details: WorkerDetails
    credentials: list[CredentialRecord] = []
    excluded_organisation_ids: list[UUID] = []


class WorkerChange(msgspec.Struct, frozen=True, kw_only=True):
    """The home employer changes a worker: what is None or UNSET stays as it is."""

    name: str | None = None
    details: WorkerDetails = WorkerDetails()
    credentials: list[CredentialRecord] | None = None
    excluded_organisation_ids: list[UUID] | None = None


def problems(details: WorkerDetails, credentials: list[CredentialRecord] | None,
             catalogue: Catalogue) -> list[FieldError]:
    """Functions and skills from the catalogue; credentials of known kinds; a BIG registration has 11 digits."""
    out = []
    for field, function in (("function", details.function),
                            ("student.supervisorFunction", details.student_supervisor_function)):
        if isinstance(function, str) and catalogue.function(function) is None:
            out.append(FieldError(field, f"unknown function; one of: {', '.join(catalogue.functions)}"))
    for i, s in enumerate(details.skills if isinstance(details.skills, list) else []):
        if s not in catalogue.skills:
            out.append(FieldError(f"skills[{i}]", f"unknown skill; one of: {', '.join(catalogue.skills)}"))
    for i, c in enumerate(credentials or []):
        if c.kind not in CREDENTIAL_KINDS:
            out.append(FieldError(f"credentials[{i}].kind",
                                  f"unknown kind; one of: {', '.join(sorted(CREDENTIAL_KINDS))}"))
        number = c.number or ""
        if c.kind == "big" and not (number.isdigit() and len(number) == 11):
            out.append(FieldError(f"credentials[{i}].number", "a BIG registration number has 11 digits"))
    return out


class HomeRoster(msgspec.Struct, frozen=True):
    """The home employer's roster of a worker for [starts, ends): the blocks that start in it are replaced by
    these (none clears it). The blocks are work that counts in every check at every organisation."""

    starts: datetime
    ends: datetime
    blocks: list[Interval]

    def problems(self) -> list[FieldError]:
        return roster_problems(self.starts, self.ends, self.blocks)
