"""What a home employer records of its worker, as commands: the profile's details (a change names only what
changes; the rest is UNSET), the credentials on file, and the organisations excluded; with the rules they keep."""
from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from flexpool.domain.catalogue import CREDENTIAL_KINDS, Catalogue
from flexpool.domain.shifts import FieldError


class WorkerDetails(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Worker columns by name; UNSET: not given (a new worker takes the column's default, a change keeps it).
    Encoded (msgspec.to_builtins) it is the invitation's stored profile, so it reads back the same."""

    function: str | UnsetType = UNSET
    skills: list[str] | UnsetType = UNSET
    contract_minutes_per_week: int | UnsetType = UNSET
    date_of_birth: date | None | UnsetType = UNSET
    employee_number: str | None | UnsetType = UNSET
    home_postcode: str | None | UnsetType = UNSET
    home_latitude: float | None | UnsetType = UNSET
    home_longitude: float | None | UnsetType = UNSET
    employer_opt_in: bool | UnsetType = UNSET
    max_loan_minutes_per_month: int | None | UnsetType = UNSET
    student_school: str | None | UnsetType = UNSET
    student_level: str | None | UnsetType = UNSET
    student_supervisor_function: str | None | UnsetType = UNSET

    def columns(self) -> dict[str, Any]:
        """The columns given, for an INSERT or UPDATE of the workers table."""
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not UNSET}


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
