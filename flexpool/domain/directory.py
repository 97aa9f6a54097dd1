"""Commands of the region's directory: an organisation joins, a person is given roles, a site is added."""
from __future__ import annotations

import msgspec

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
