"""Commands of the region's directory: an organisation joins, a person is given roles, a site is added."""
from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET

from flexpool.domain import identifiers
from flexpool.domain.changes import Change, Given
from flexpool.domain.vocabulary import Cao, OrganisationKind, Role


class NewOrganisation(msgspec.Struct, frozen=True, kw_only=True):
    """The coordinator adds an organisation; its CAO follows its kind unless named."""

    name: str
    kvk_number: str | None = None
    iban: str | None = None
    kind: OrganisationKind = OrganisationKind.VVT
    cao: Cao | None = None

    @property
    def cao_in_effect(self) -> Cao:
        return self.cao or {OrganisationKind.VVT: Cao.VVT, OrganisationKind.GHZ: Cao.GHZ,
                            OrganisationKind.WELZIJN: Cao.SOCIAAL_WERK}[OrganisationKind(self.kind)]


class NewPerson(msgspec.Struct, frozen=True, kw_only=True):
    """Someone given roles: at an organisation (its members) or in the region (its planning desk)."""

    email: str
    name: str
    roles: list[Role] = []


class PostalAddress(msgspec.Struct, frozen=True, kw_only=True):
    """Where an organisation or a site is: on an e-invoice, on a shift's offer, and for the distance a worker
    travels (a site's coordinates come with it)."""

    address: str | None = None
    postcode: str | None = None
    city: str | None = None


class NewSite(PostalAddress, frozen=True, kw_only=True):
    """A planner adds a place where shifts are worked; without coordinates nobody is kept out by distance."""

    name: str
    latitude: float | None = None
    longitude: float | None = None


class OrganisationChange(Change, frozen=True, kw_only=True, omit_defaults=True):
    """The orgAdmin (or the coordinator) changes what the organisation records of itself. Each field is a
    column of organisations; what decides what lenders are owed is audited from and to."""

    # How an e-invoice names the organisation (EN 16931): registrations, bank account and address.
    kvk_number: Given[str | None] = UNSET
    iban: Given[str | None] = UNSET
    vat_number: Given[str | None] = UNSET
    address: Given[str | None] = UNSET
    postcode: Given[str | None] = UNSET
    city: Given[str | None] = UNSET
    # The CAO whose ORT applies to its shifts, and its Waadi status (registered or exempt, not both).
    cao: Given[Cao] = UNSET
    waadi_registered: Given[bool] = UNSET
    waadi_exempt: Given[bool] = UNSET
    # The cancellation policy for its own shifts (DOMAIN.md, Cancellation).
    worker_cancel_window_minutes: Given[int] = UNSET
    late_cancel_window_minutes: Given[int] = UNSET
    late_cancellation_percent: Given[int] = UNSET
    # The region's planning desk may publish, assign, cancel and confirm hours for it.
    delegates_planning: Given[bool] = UNSET

    def normalised(self) -> OrganisationChange:
        """A VAT number as the tax office writes it (NL 1234.56.789.B01 is NL123456789B01)."""
        if isinstance(self.vat_number, str) and self.vat_number:
            return msgspec.structs.replace(self, vat_number=identifiers.compact_vat(self.vat_number))
        return self

    def problems(self) -> list[tuple[str, str]]:
        """Registrations that are given and wrong: the IBAN's check digits, the VAT number, the KvK number."""
        def text(value: Given[str | None]) -> str | None:
            return value if isinstance(value, str) else None
        return identifiers.problems(iban=text(self.iban), vat=text(self.vat_number), kvk=text(self.kvk_number))

    def changed_from(self, before: Any) -> dict[str, Any]:
        """The given fields whose value differs from what `before` (the organisation as it is) holds."""
        return {k: v for k, v in self.given().items() if getattr(before, k) != v}
