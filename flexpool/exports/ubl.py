"""The statement as a UBL 2.1 invoice following SI-UBL 2.0 (NLCIUS): seller the lender, buyer the
borrower, one invoice line per statement line, the VAT category (and the exemption reason), totals that
match the lines to the cent. Finance imports it into AFAS or Exact."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from flexpool.domain.clock import next_month
from flexpool.domain.statements import Party, Statement
from flexpool.exports.money import euros, hours

NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
KVK_SCHEME = "0106"

for prefix, uri in NS.items():
    ET.register_namespace(prefix, uri)


# Characters XML 1.0 does not allow (most C0 controls, surrogates, U+FFFE/FFFF): a name carrying one would
# make the whole invoice unreadable for the other organisation's bookkeeping.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _el(parent: ET.Element, tag: str, text: object = None, **attrs: object) -> ET.Element:
    prefix, _, name = tag.rpartition(":")
    e = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}",
                      {k.replace('_', ''): xml_text(v) for k, v in attrs.items()})
    if text is not None:
        e.text = xml_text(text)
    return e


def _party(parent: ET.Element, tag: str, p: Party) -> None:
    party = _el(_el(parent, tag), "cac:Party")
    if p.kvk_number:
        _el(party, "cbc:EndpointID", p.kvk_number, schemeID=KVK_SCHEME)
        _el(_el(party, "cac:PartyIdentification"), "cbc:ID", p.kvk_number, schemeID=KVK_SCHEME)
    _el(_el(party, "cac:PartyName"), "cbc:Name", p.name)
    address = _el(party, "cac:PostalAddress")
    if p.address:
        _el(address, "cbc:StreetName", p.address)
    if p.city:
        _el(address, "cbc:CityName", p.city)
    if p.postcode:
        _el(address, "cbc:PostalZone", p.postcode)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", "NL")
    if p.vat_number:  # BT-31 / BT-48: the VAT identifier (the KvK number stays the legal registration)
        tax = _el(party, "cac:PartyTaxScheme")
        _el(tax, "cbc:CompanyID", p.vat_number)
        _el(_el(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", p.name)
    if p.kvk_number:
        _el(legal, "cbc:CompanyID", p.kvk_number, schemeID=KVK_SCHEME)


def _tax_category(parent: ET.Element, tag: str, st: Statement, with_reason: bool) -> None:
    cat = _el(parent, tag)
    _el(cat, "cbc:ID", st.vat.category)
    _el(cat, "cbc:Percent", st.vat.percent)
    if with_reason and st.vat.exemption_code:
        _el(cat, "cbc:TaxExemptionReasonCode", st.vat.exemption_code)
    if with_reason and st.vat.exemption_reason:
        _el(cat, "cbc:TaxExemptionReason", st.vat.exemption_reason)
    _el(_el(cat, "cac:TaxScheme"), "cbc:ID", "VAT")


def missing(st: Statement) -> list[str]:
    """What the invoice cannot be valid without (EN 16931 BR-S-02/BR-E-02: the seller's VAT identifier)."""
    return [] if st.lender.vat_number else [f"the VAT identification number of {st.lender.name} (vatNumber)"]


def render(st: Statement, issue_date: date) -> bytes:
    """`issue_date`: the day the month closed (fixed); for an open month the day of the download, as a draft."""
    root = ET.Element(f"{{{NS['']}}}Invoice")
    _el(root, "cbc:CustomizationID", CUSTOMIZATION)
    _el(root, "cbc:ProfileID", PROFILE)
    _el(root, "cbc:ID", f"FP-{st.month:%Y%m}-{st.id[:8]}")
    _el(root, "cbc:IssueDate", issue_date.isoformat())
    _el(root, "cbc:InvoiceTypeCode", 380)
    _el(root, "cbc:Note", f"Verrekenoverzicht FlexPool {st.month:%m-%Y}. {st.waadi}")
    _el(root, "cbc:DocumentCurrencyCode", "EUR")
    _el(root, "cbc:BuyerReference", st.id)
    period = _el(root, "cac:InvoicePeriod")
    _el(period, "cbc:StartDate", st.month.isoformat())
    _el(period, "cbc:EndDate", (next_month(st.month) - timedelta(days=1)).isoformat())
    _party(root, "cac:AccountingSupplierParty", st.lender)
    _party(root, "cac:AccountingCustomerParty", st.borrower)
    if st.lender.iban:
        means = _el(root, "cac:PaymentMeans")
        _el(means, "cbc:PaymentMeansCode", 58)
        _el(means, "cbc:PaymentID", f"FP-{st.month:%Y%m}-{st.id[:8]}")
        _el(_el(means, "cac:PayeeFinancialAccount"), "cbc:ID", st.lender.iban)
    t = st.totals
    tax = _el(root, "cac:TaxTotal")
    _el(tax, "cbc:TaxAmount", euros(t.vat_cents), currencyID="EUR")
    sub = _el(tax, "cac:TaxSubtotal")
    _el(sub, "cbc:TaxableAmount", euros(t.amount_cents), currencyID="EUR")
    _el(sub, "cbc:TaxAmount", euros(t.vat_cents), currencyID="EUR")
    _tax_category(sub, "cac:TaxCategory", st, with_reason=True)
    totals = _el(root, "cac:LegalMonetaryTotal")
    _el(totals, "cbc:LineExtensionAmount", euros(t.amount_cents), currencyID="EUR")
    _el(totals, "cbc:TaxExclusiveAmount", euros(t.amount_cents), currencyID="EUR")
    _el(totals, "cbc:TaxInclusiveAmount", euros(t.total_cents), currencyID="EUR")
    _el(totals, "cbc:PayableAmount", euros(t.total_cents), currencyID="EUR")
    for line in st.lines:
        il = _el(root, "cac:InvoiceLine")
        _el(il, "cbc:ID", line.position)
        # One unit per line (ORT makes the price per minute vary); a negative correction is a negative quantity,
        # because a price may not be negative (EN 16931 BR-27).
        _el(il, "cbc:InvoicedQuantity", -1 if line.amount_cents < 0 else 1, unitCode="C62")
        _el(il, "cbc:LineExtensionAmount", euros(line.amount_cents), currencyID="EUR")
        if line.corrects_line_id:
            _el(_el(il, "cac:DocumentReference"), "cbc:ID", line.corrects_line_id)
        item = _el(il, "cac:Item")
        kind = {"work": "Inzet", "late-cancellation": f"Late annulering ({line.late_percent}%)",
                "correction": "Correctie", "secondment": "Detachering"}[line.kind]
        _el(item, "cbc:Description", f"{line.worker_name}, {line.site_name}, {hours(line.worked_minutes)} uur "
                                     f"gewerkt, {hours(line.planned_minutes)} uur gepland")
        _el(item, "cbc:Name", f"{kind} {line.work_date:%d-%m-%Y} {line.function}")
        _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", line.id)
        _tax_category(item, "cac:ClassifiedTaxCategory", st, with_reason=False)
        price = _el(il, "cac:Price")
        _el(price, "cbc:PriceAmount", euros(abs(line.amount_cents)), currencyID="EUR")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
