"""Identifiers that carry check digits (python-stdnum): a typo in an IBAN or VAT number is caught when it
is typed, not when the other organisation's bank or bookkeeping refuses the invoice."""
from __future__ import annotations

from stdnum import iban as iban_number
from stdnum.eu import vat as vat_number
from stdnum.exceptions import ValidationError


def compact_vat(value: str) -> str:
    """NL 1234.56.789.B01 -> NL123456789B01; what cannot be read is left as typed (problems() says why)."""
    try:
        return vat_number.compact(value)
    except ValidationError:
        return value


def problems(*, iban: str | None = None, vat: str | None = None, kvk: str | None = None) -> list[tuple[str, str]]:
    """[(field, message)] for what is given and wrong."""
    out = []
    if iban:
        try:
            iban_number.validate(iban)
        except ValidationError:
            out.append(("iban", "not a valid IBAN (its check digits do not match)"))
    if vat:
        try:
            vat_number.validate(vat)
        except ValidationError:
            out.append(("vatNumber", "not a valid EU VAT identification number, e.g. NL123456789B01"))
    if kvk and not (len(kvk) == 8 and kvk.isdigit()):
        out.append(("kvkNumber", "a KvK number has 8 digits"))
    return out
