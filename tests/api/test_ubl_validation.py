"""Each kind of statement, as UBL, passes the UBL 2.1 XSD, EN 16931 and SI-UBL 2.0 with zero fatal
assertions: standard VAT, exempt, with a late cancellation, with a correction."""
import xml.etree.ElementTree as ET
from datetime import datetime

from flexpool.domain.clock import AMSTERDAM
from tests.helpers import auth
from tests.scenarios import UBL, October, t
from tests.ubl_validation import fatal_assertions, problems


async def ubl(client, october, month: str, lender: str, headers):
    statements = (await client.get(f"/v1/settlements/{month}/statements", headers=headers)).json()["items"]
    st = next(s for s in statements if s["lenderOrganisationId"] == october.region.orgs[lender]["id"])
    r = await client.get(f"/v1/settlements/{month}/statements/{st['id']}",
                         headers={**headers, "Accept": "application/xml"})
    assert r.status_code == 200, r.text
    return r.content


async def test_the_control_invoice_passes(tmp_path):
    """The validators themselves work: CEN's example passes EN 16931 (SI-UBL flags only its tag)."""
    from tests.ubl_validation import HERE, schema_errors
    xml = (HERE / "ubl-tc434-example1.xml").read_bytes()
    assert schema_errors(xml) == [] and fatal_assertions(xml, "EN16931-UBL-validation.xslt") == []
    si = fatal_assertions(xml, "SI-UBL-2.0.3.13-validation.xslt")
    assert len(si) == 1 and "SI-V20-INV-R000" in si[0]


async def test_every_kind_of_statement_passes_the_validators(client, pool):
    october = await October(client, pool).setup()
    r = october.region
    coordinator = auth(r.coordinator)
    for name, vat in (("Thuiszorg West", "NL100000009B01"), ("Derde Huis", "NL100000010B01"),
                      ("Zonnehuis", "NL100000022B01")):
        res = await client.patch(f"/v1/organisations/{r.orgs[name]['id']}", headers=auth(r.orgs[name]["admin"]),
                                 json={"vatNumber": vat, "address": "Laan 1", "postcode": "3511 AB", "city": "Utrecht"})
        assert res.status_code == 200, res.text
    # Derde Huis lends to Zonnehuis VAT-exempt (documented basis), with a late cancellation on 15 October.
    res = await client.put("/v1/tariffs", headers=coordinator, json={
        "functions": {"verzorgende-ig": 3150},
        "vat": {"percent": 21, "exemptions": [{
            "lenderId": r.orgs["Derde Huis"]["id"], "borrowerId": r.orgs["Zonnehuis"]["id"],
            "basis": "Art. 11 lid 1 onder g Wet OB 1968: zorg-gerelateerde terbeschikkingstelling",
            "code": "VATEX-EU-132-1G"}]}})
    assert res.status_code == 200, res.text
    await october.confirm_all()
    standard = await ubl(client, october, "2026-10", "Thuiszorg West", coordinator)
    exempt = await ubl(client, october, "2026-10", "Derde Huis", coordinator)
    assert b"late" in exempt.lower() or b"Late" in exempt
    # Close October; a changed timesheet after closing lands in November as a correction.
    assert (await client.post("/v1/settlements/2026-10/close", headers=coordinator)).status_code == 200
    closed = await ubl(client, october, "2026-10", "Thuiszorg West", coordinator)
    issue = ET.fromstring(closed).findtext("cbc:IssueDate", namespaces=UBL)
    assert issue == datetime.now(AMSTERDAM).date().isoformat()  # the closing day, fixed from now on
    res = await client.put(f"/v1/assignments/{october.day.id}/timesheet", headers=auth(r.orgs["Zonnehuis"]["planner"]),
                           json={"startedAt": t(10, 6, 7).isoformat(), "endedAt": t(10, 6, 17).isoformat(),
                                 "breakMinutes": 30})
    assert res.status_code == 200, res.text
    correction = await ubl(client, october, "2026-11", "Thuiszorg West", coordinator)
    assert ET.fromstring(correction).find(".//cac:InvoiceLine/cac:DocumentReference", UBL) is not None or \
        b"Correctie" in correction
    for kind, xml in (("standard", standard), ("exempt", exempt), ("closed", closed), ("correction", correction)):
        assert problems(xml) == [], (kind, problems(xml))
    # The validators bite: without the seller's VAT identifier the same invoice fails BR-S-02.
    broken = standard.replace(b"<cbc:CompanyID>NL100000009B01</cbc:CompanyID>", b"")
    assert any("BR-S-02" in p or "BR-CO-09" in p or "VAT" in p for p in problems(broken))
    # The late-cancellation line says the percentage actually charged.
    names = [e.text for e in ET.fromstring(exempt).iterfind(".//cac:InvoiceLine/cac:Item/cbc:Name", UBL)]
    late = [n for n in names if n.startswith("Late annulering")]
    assert late and all("(50%)" in n for n in late)
