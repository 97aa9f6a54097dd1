"""Hours, tariffs, statements, positions, closing, corrections, exports, reports and the calendar, end to end.

The work happened in October 2026 (publish, accept and cancel run through the services with the clock of
that day); hours, statements and exports go through the API today."""
import csv
import io
import xml.etree.ElementTree as ET

import openpyxl
import pytest

from flexpool.services import booking
from tests.helpers import auth
from tests.scenarios import UBL, October, t


@pytest.fixture
async def october(client, pool):
    return await October(client, pool).setup()


async def test_timesheets(client, october):
    zon, west = october.region.orgs["Zonnehuis"], october.region.orgs["Thuiszorg West"]
    url = f"/v1/assignments/{october.night.id}/timesheet"
    body = {"startedAt": t(10, 24, 23).isoformat(), "endedAt": t(10, 25, 7).isoformat(), "breakMinutes": 30}
    r = await client.put(url, json=body, headers=auth(zon["planner"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert r.json()["workedMinutes"] == 510  # 9 hours across the October change, minus the break
    assert (await client.put(url, json=body, headers=auth(west["planner"]))).status_code == 404
    assert (await client.put(url, json=body, headers=auth("wil@mail.test"))).status_code in (403, 404)
    bad = dict(body, endedAt=t(10, 24, 22).isoformat())
    r = await client.put(url, json=bad, headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "endedAt"
    r = await client.put(url, json={"noShow": True}, headers=auth(zon["planner"]))
    assert r.json()["workedMinutes"] == 0 and r.json()["noShow"] is True
    history = (await client.get(f"/v1/shifts/{october.night.shift_id}/history", headers=auth(zon["planner"]))).json()
    assert [e["action"] for e in history["items"]][-2:] == ["hours-confirmed", "no-show"]


async def test_auto_confirm_after_72_hours(client, pool, october):
    from flexpool.services.hours import auto_confirm
    async with pool.acquire() as conn:
        assert await auto_confirm(conn, t(10, 28, 6, 59)) == 3   # the 6th, 20th and 21st; not yet the night
        assert await auto_confirm(conn, t(10, 28, 7)) == 1       # 72 h after the night's end
        assert await auto_confirm(conn, t(10, 29, 7)) == 0       # written once
        night = await conn.fetchrow("SELECT * FROM timesheets WHERE assignment_id = $1", october.night.id)
    assert night["auto"] and night["worked_minutes"] == 510  # as planned, in absolute time


async def _statement(client, october, lender: str):
    """October confirmed; the coordinator's headers and the statement of `lender` to Zonnehuis in full."""
    await october.confirm_all()
    coordinator = auth(october.region.coordinator)
    statements = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
    lender_id = october.region.orgs[lender]["id"]
    summary = next(s for s in statements if s["lenderOrganisationId"] == lender_id)
    r = await client.get(f"/v1/settlements/2026-10/statements/{summary['id']}", headers=coordinator)
    assert r.status_code == 200, r.text
    return coordinator, r.json()


async def test_positions_and_transfers_add_up_to_the_statements(client, october):
    await october.confirm_all()
    zon, west, derde = (october.region.orgs[n] for n in ("Zonnehuis", "Thuiszorg West", "Derde Huis"))
    coordinator = auth(october.region.coordinator)
    r = await client.get("/v1/settlements/2026-10", headers=coordinator)
    assert r.status_code == 200, r.text
    book = r.json()
    assert book["status"] == "open"
    positions = {p["organisationId"]: p for p in book["positions"]}
    assert sum(p["netCents"] for p in book["positions"]) == 0
    statements = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
    by_lender = {s["lenderOrganisationId"]: s for s in statements}
    assert set(by_lender) == {west["id"], derde["id"]}  # the own worker's no-show and own day are no loan
    for s in statements:
        assert s["totalCents"] == s["amountCents"] + s["vatCents"] and s["vatCategory"] == "S"
        assert positions[s["lenderOrganisationId"]]["receivableCents"] == s["totalCents"]
    assert positions[zon["id"]]["payableCents"] == sum(s["totalCents"] for s in statements)
    assert sorted((x["fromOrganisationId"], x["toOrganisationId"], x["amountCents"]) for x in book["transfers"]) == \
        sorted((zon["id"], s["lenderOrganisationId"], s["totalCents"]) for s in statements)


async def test_statement_lines_are_the_amounts_worked_out_by_hand(client, october):
    _, detail = await _statement(client, october, "Thuiszorg West")
    night = next(x for x in detail["lines"] if x["workDate"] == "2026-10-24")
    assert night["workedMinutes"] == 510 and night["amountCents"] == 46730  # worked out by hand in the rules tests
    assert night["baseCents"] + night["ortCents"] == night["amountCents"]
    assert sum(x["amountCents"] for x in detail["lines"]) == detail["amountCents"]
    assert detail["lineCount"] == len(detail["lines"]) == 2
    _, derde_detail = await _statement(client, october, "Derde Huis")
    assert {x["kind"] for x in derde_detail["lines"]} == {"late-cancellation", "work"}
    late = next(x for x in derde_detail["lines"] if x["kind"] == "late-cancellation")
    assert late["amountCents"] == 12938 and late["plannedMinutes"] == 450  # 50% of 7.5 h at € 34,50


async def test_the_csv_export_is_for_dutch_excel(client, october):
    """BOM, semicolons, decimal commas; the lines add up to the total."""
    coordinator, detail = await _statement(client, october, "Thuiszorg West")
    r = await client.get(f"/v1/settlements/2026-10/statements/{detail['id']}",
                         headers={**coordinator, "Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv") and r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    lines = [row for row in rows[2:] if row[0].isdigit()]
    cents = lambda text: int(text.replace(",", ""))  # noqa: E731
    assert sum(cents(row[12]) for row in lines) == detail["amountCents"]
    assert cents(next(row for row in rows if row[0] == "Totaal te betalen")[12]) == detail["totalCents"]


async def test_the_xlsx_export_has_the_header_the_lines_and_the_totals(client, october):
    coordinator, detail = await _statement(client, october, "Thuiszorg West")
    r = await client.get(f"/v1/settlements/2026-10/statements/{detail['id']}",
                         headers={**coordinator, "Accept": "application/vnd.openxmlformats-officedocument"
                                                           ".spreadsheetml.sheet"})
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][:2] == ["Uitlener", "Thuiszorg West"]
    header_row = next(i for i, row in enumerate(values) if row[0] == "Regel")
    line_rows = [row for row in values[header_row + 1:] if isinstance(row[0], (int, float))]
    assert round(sum(row[12] for row in line_rows) * 100) == detail["amountCents"]
    total_row = next(row for row in values if row[11] == "Totaal te betalen")
    assert round(total_row[12] * 100) == detail["totalCents"]


async def test_the_ubl_invoice_names_lender_and_borrower_with_totals_to_the_cent(client, october):
    """UBL 2.1 / SI-UBL 2.0: seller the lender, buyer the borrower, totals match the lines to the cent."""
    coordinator, detail = await _statement(client, october, "Thuiszorg West")
    west = october.region.orgs["Thuiszorg West"]
    r = await client.get(f"/v1/settlements/2026-10/statements/{detail['id']}",
                         headers={**coordinator, "Accept": "application/xml"})
    doc = ET.fromstring(r.content)
    amount = lambda path: round(float(doc.find(path, UBL).text) * 100)  # noqa: E731
    assert doc.find("cbc:CustomizationID", UBL).text.endswith("nlcius:v1.0")
    assert amount("cac:LegalMonetaryTotal/cbc:PayableAmount") == detail["totalCents"]
    assert amount("cac:TaxTotal/cbc:TaxAmount") == detail["vatCents"]
    invoice_lines = doc.findall("cac:InvoiceLine", UBL)
    assert sum(round(float(x.find("cbc:LineExtensionAmount", UBL).text) * 100) for x in invoice_lines) == \
        amount("cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == detail["amountCents"]
    seller = doc.find("cac:AccountingSupplierParty/cac:Party", UBL)
    assert seller.find("cac:PartyName/cbc:Name", UBL).text == "Thuiszorg West"
    assert seller.find("cbc:EndpointID", UBL).text == west["kvkNumber"]
    assert doc.find("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", UBL).text == "NL91ABNA0417164300"
    assert doc.find("cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name", UBL).text == "Zonnehuis"


async def test_finance_sees_its_own_organisation_only(client, october):
    await october.confirm_all()
    west, derde = october.region.orgs["Thuiszorg West"], october.region.orgs["Derde Huis"]
    book = (await client.get("/v1/settlements/2026-10", headers=auth(west["finance"]))).json()
    assert [p["organisationId"] for p in book["positions"]] == [west["id"]]
    assert all(west["id"] in (x["fromOrganisationId"], x["toOrganisationId"]) for x in book["transfers"])
    items = (await client.get("/v1/settlements/2026-10/statements", headers=auth(west["finance"]))).json()["items"]
    assert [s["lenderOrganisationId"] for s in items] == [west["id"]]
    derde_items = (await client.get("/v1/settlements/2026-10/statements", headers=auth(derde["finance"]))).json()
    other = derde_items["items"][0]["id"]
    assert (await client.get(f"/v1/settlements/2026-10/statements/{other}",
                             headers=auth(west["finance"]))).status_code == 404
    assert (await client.get("/v1/settlements/2026-10", headers=auth(west["planner"]))).status_code == 403
    assert (await client.get("/v1/settlements/2026-13", headers=auth(west["finance"]))).status_code in (400, 422)


async def test_close_freezes_and_later_changes_become_corrections(client, pool, october):
    await october.confirm_all()
    coordinator = auth(october.region.coordinator)
    zon = october.region.orgs["Zonnehuis"]
    assert (await client.post("/v1/settlements/2026-10/close", headers=auth(zon["finance"]))).status_code == 403
    assert (await client.post("/v1/settlements/2099-01/close", headers=coordinator)).status_code == 409
    before = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()
    r = await client.post("/v1/settlements/2026-10/close", headers=coordinator)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert (await client.post("/v1/settlements/2026-10/close", headers=coordinator)).status_code == 409
    assert (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json() == before
    # The planner corrects the night after closing: October stays, November carries the difference.
    r = await client.put(f"/v1/assignments/{october.night.id}/timesheet", headers=auth(zon["planner"]), json={
        "startedAt": t(10, 24, 23).isoformat(), "endedAt": t(10, 25, 6).isoformat(), "breakMinutes": 30})
    assert r.status_code == 200 and r.json()["workedMinutes"] == 450
    assert (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json() == before
    west_id = october.region.orgs["Thuiszorg West"]["id"]
    october_west = next(s for s in before["items"] if s["lenderOrganisationId"] == west_id)
    old_lines = (await client.get(f"/v1/settlements/2026-10/statements/{october_west['id']}",
                                  headers=coordinator)).json()["lines"]
    old_night = next(x for x in old_lines if x["workDate"] == "2026-10-24")
    november = (await client.get("/v1/settlements/2026-11/statements", headers=coordinator)).json()["items"]
    [nov_west] = [s for s in november if s["lenderOrganisationId"] == west_id]
    [fix] = (await client.get(f"/v1/settlements/2026-11/statements/{nov_west['id']}",
                              headers=coordinator)).json()["lines"]
    assert fix["kind"] == "correction" and fix["correctsLineId"] == old_night["id"]
    assert fix["workedMinutes"] == -60 and fix["amountCents"] < 0
    # ORT of the lost hour (Sunday 06:00–07:00 at 60%) and its base: 3450 × (1 + 0.6) = 5520 cents.
    assert fix["amountCents"] == -5520
    # The database itself refuses to touch a closed month.
    import asyncpg
    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE statement_lines SET amount_cents = 0")


async def test_vat_exemption_and_lender_tariff(client, october):
    await october.confirm_all()
    coordinator = auth(october.region.coordinator)
    west, zon = october.region.orgs["Thuiszorg West"], october.region.orgs["Zonnehuis"]
    r = await client.put("/v1/tariffs", headers=coordinator, json={
        "functions": {"verzorgende-ig": 3600}, "vat": {"percent": 21, "exemptions": [
            {"lenderId": west["id"], "borrowerId": zon["id"],
             "basis": "Structurele uitlening tegen kostprijs tussen vrijgestelde zorginstellingen (Stcrt. 2024, 17448)"}]}})
    assert r.status_code == 200, r.text
    assert r.json()["functions"]["verzorgende-ig"] == 3600 and "vvt" in r.json()["ort"]
    assert (await client.put("/v1/tariffs", headers=auth(west["finance"]), json={"functions": {}})).status_code == 403
    r = await client.put("/v1/tariffs", headers=coordinator, json={"functions": {"tovenaar": 1}})
    assert r.status_code == 422
    r = await client.put(f"/v1/organisations/{west['id']}/tariffs", headers=auth(west["finance"]),
                         json={"functions": {"verzorgende-ig": 4000}})
    assert r.status_code == 200
    assert (await client.put(f"/v1/organisations/{west['id']}/tariffs", headers=auth(zon["finance"]),
                             json={"functions": {"verzorgende-ig": 1}})).status_code == 404
    items = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
    west_st = next(s for s in items if s["lenderOrganisationId"] == west["id"])
    derde_st = next(s for s in items if s["lenderOrganisationId"] != west["id"])
    assert west_st["vatCategory"] == "E" and west_st["vatCents"] == 0 and "17448" in west_st["vatExemptionReason"]
    assert derde_st["vatCategory"] == "S"
    detail = (await client.get(f"/v1/settlements/2026-10/statements/{west_st['id']}", headers=coordinator)).json()
    assert {x["tariffCents"] for x in detail["lines"]} == {4000}
    xml = (await client.get(f"/v1/settlements/2026-10/statements/{west_st['id']}",
                            headers={**coordinator, "Accept": "application/xml"})).content
    doc = ET.fromstring(xml)
    assert doc.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", UBL).text == "E"
    assert "17448" in doc.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason", UBL).text


async def test_reports(client, october):
    await october.confirm_all()
    zon = october.region.orgs["Zonnehuis"]
    r = await client.get("/v1/reports/fill-rate", headers=auth(zon["planner"]),
                         params={"from": t(10, 1).isoformat(), "to": t(11, 1).isoformat()})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["published"] == 5 and body["cancelled"] == 0
    assert body["filled"] == 4 and body["fillRate"] == 0.8  # the late-cancelled place reopened
    assert body["medianMinutesToFill"] == 24 * 60
    loans = (await client.get("/v1/reports/loans", params={"month": "2026-10"},
                              headers=auth(october.region.coordinator))).json()["items"]
    by_name = {x["name"]: x for x in loans}
    assert by_name["Zonnehuis"]["minutesBorrowed"] == 510 + 510 + 450
    assert by_name["Thuiszorg West"]["minutesLent"] == 1020


async def test_a_region_may_settle_clock_face_hours(client, october):
    await october.confirm_all()
    coordinator = auth(october.region.coordinator)
    west_id = october.region.orgs["Thuiszorg West"]["id"]

    async def night_line():
        items = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
        west = next(s for s in items if s["lenderOrganisationId"] == west_id)
        lines = (await client.get(f"/v1/settlements/2026-10/statements/{west['id']}", headers=coordinator)).json()
        return next(x for x in lines["lines"] if x["workDate"] == "2026-10-24")

    assert (await night_line())["workedMinutes"] == 510
    r = await client.put("/v1/region/settings", headers=coordinator, json={"settleHours": "clock-face"})
    assert r.status_code == 200 and r.json()["settings"]["settleHours"] == "clock-face"
    night = await night_line()
    # 23:00–07:00 on the clock is 8 h, minus the break: Saturday 23–24 at 49% less the 30-minute break, then
    # Sunday 00–07 at 60%: 3450 × 450/60 + 3450 × 30/60 × 0.49 + 3450 × 420/60 × 0.60 = 41210.25.
    assert night["workedMinutes"] == 450 and night["amountCents"] == 41210
    assert sum(o["minutes"] for o in night["ort"]) == 450


async def test_late_cancellation_percent_is_the_borrowers_at_the_time(client, pool, october):
    zon, derde = october.region.orgs["Zonnehuis"], october.region.orgs["Derde Huis"]
    coordinator = auth(october.region.coordinator)
    r = await client.patch(f"/v1/organisations/{zon['id']}", headers=auth(zon["admin"]),
                           json={"lateCancellationPercent": 75})
    assert r.status_code == 200
    async with pool.acquire() as conn:
        second = await october.book(conn, "dirk", t(10, 28, 7), t(10, 28, 15), 30)
        await booking.cancel_assignment(conn, october.planner, second.id, "dubbel geboekt", t(10, 28, 1))
    await client.patch(f"/v1/organisations/{zon['id']}", headers=auth(zon["admin"]), json={"lateCancellationPercent": 0})
    items = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
    st = next(s for s in items if s["lenderOrganisationId"] == derde["id"])
    lines = (await client.get(f"/v1/settlements/2026-10/statements/{st['id']}", headers=coordinator)).json()["lines"]
    late = sorted(x["amountCents"] for x in lines if x["kind"] == "late-cancellation")
    assert late == [12938, 19406]  # 50% before the change; 75% of 7.5 h at € 34,50 = 19406.25 after it


async def test_a_tariff_change_after_closing_is_no_correction(client, october):
    await october.confirm_all()
    coordinator = auth(october.region.coordinator)
    assert (await client.post("/v1/settlements/2026-10/close", headers=coordinator)).status_code == 200
    r = await client.put("/v1/tariffs", headers=coordinator, json={"functions": {"verzorgende-ig": 3900}})
    assert r.status_code == 200
    await client.put("/v1/region/settings", headers=coordinator, json={"settleHours": "clock-face"})
    november = (await client.get("/v1/settlements/2026-11/statements", headers=coordinator)).json()["items"]
    assert november == []  # only changed hours are corrected: not a new tariff, not a new way of counting
    await client.put("/v1/region/settings", headers=coordinator, json={})
    zon = october.region.orgs["Zonnehuis"]
    r = await client.put(f"/v1/assignments/{october.day.id}/timesheet", headers=auth(zon["planner"]), json={
        "startedAt": t(10, 6, 7).isoformat(), "endedAt": t(10, 6, 17).isoformat(), "breakMinutes": 30})
    assert r.status_code == 200
    [nov] = (await client.get("/v1/settlements/2026-11/statements", headers=coordinator)).json()["items"]
    [fix] = (await client.get(f"/v1/settlements/2026-11/statements/{nov['id']}", headers=coordinator)).json()["lines"]
    # One more hour on a weekday (16:00–17:00, no ORT), at October's tariff: € 34,50.
    assert fix["kind"] == "correction" and fix["workedMinutes"] == 60 and fix["amountCents"] == 3450


async def test_planners_list_the_hours_to_confirm(client, october):
    zon, west = october.region.orgs["Zonnehuis"], october.region.orgs["Thuiszorg West"]
    planner = auth(zon["planner"])
    october_range = {"from": t(10, 1).isoformat(), "to": t(11, 1).isoformat()}
    r = await client.get("/v1/timesheets", params=october_range, headers=planner)
    assert r.status_code == 200, r.text
    rows = r.json()["items"]
    # Booked and started, oldest first; the late-cancelled one is not there.
    assert [x["assignmentId"] for x in rows] == [str(a.id) for a in
                                                 (october.day, october.derde_day, october.own_day, october.night)]
    night = rows[-1]
    assert night["status"] == "unconfirmed" and night["timesheet"] is None and night["workerName"] == "Wil"
    assert night["autoConfirmAt"] == "2026-10-28T07:00:00+01:00" and night["homeOrganisationName"] == "Thuiszorg West"
    first = await client.get("/v1/timesheets", params={**october_range, "limit": 2}, headers=planner)
    second = await client.get("/v1/timesheets", params={**october_range, "cursor": first.json()["nextCursor"]},
                              headers=planner)
    assert [x["assignmentId"] for x in first.json()["items"] + second.json()["items"]] == \
        [x["assignmentId"] for x in rows]
    await october.confirm_all()
    left = (await client.get("/v1/timesheets", params=october_range, headers=planner)).json()["items"]
    assert [x["assignmentId"] for x in left] == [str(october.derde_day.id)]
    done = (await client.get("/v1/timesheets", params={**october_range, "status": "confirmed"},
                             headers=planner)).json()["items"]
    by_id = {x["assignmentId"]: x for x in done}
    assert by_id[str(october.night.id)]["timesheet"]["workedMinutes"] == 510
    assert by_id[str(october.own_day.id)]["timesheet"]["noShow"] is True
    # The lender's planner sees none of the borrower's hours; finance and workers may not list them.
    assert (await client.get("/v1/timesheets", params=october_range,
                             headers=auth(west["planner"]))).json()["items"] == []
    assert (await client.get("/v1/timesheets", params={**october_range, "organisationId": zon["id"]},
                             headers=auth(west["planner"]))).status_code == 404
    assert (await client.get("/v1/timesheets", headers=auth(zon["finance"]))).status_code == 403
    assert (await client.get("/v1/timesheets", params={"status": "maybe"}, headers=planner)).status_code == 422


async def test_a_region_replaces_a_cao_ort_table(client, october):
    await october.confirm_all()
    coordinator = auth(october.region.coordinator)
    current = (await client.get("/v1/tariffs", headers=coordinator)).json()
    bands = [dict(b, percent=70) if b["day"] == "sunday" else b for b in current["ort"]["vvt"]]
    r = await client.put("/v1/tariffs", headers=coordinator, json={"functions": {}, "ort": {"vvt": bands}})
    assert r.status_code == 200, r.text
    assert {b["percent"] for b in r.json()["ort"]["vvt"] if b["day"] == "sunday"} == {70}
    assert r.json()["ort"]["ghz"] == current["ort"]["ghz"]  # the other CAOs keep their defaults
    west_id = october.region.orgs["Thuiszorg West"]["id"]
    items = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
    west = next(s for s in items if s["lenderOrganisationId"] == west_id)
    lines = (await client.get(f"/v1/settlements/2026-10/statements/{west['id']}", headers=coordinator)).json()
    night = next(x for x in lines["lines"] if x["workDate"] == "2026-10-24")
    # 3450 × 510/60 + 3450 × 30/60 × 0.49 + 3450 × 480/60 × 0.70 = 49490.25
    assert night["amountCents"] == 49490
    overlapping = bands + [{"day": "sunday", "startHour": 6, "endHour": 8, "percent": 10, "label": "dubbel"}]
    for bad, field in (({"vvt": overlapping}, "ort.vvt"),
                       ({"vvt": [dict(bands[0], startHour=8, endHour=6)]}, "ort.vvt[0].endHour"),
                       ({"horeca": bands}, "ort")):
        r = await client.put("/v1/tariffs", headers=coordinator, json={"functions": {}, "ort": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith(field), r.text
    r = await client.put("/v1/tariffs", headers=coordinator, json={"functions": {}})
    assert r.json()["ort"]["vvt"] == current["ort"]["vvt"]  # left out: the CAO defaults again
