"""Secondments (detachering): three-party consent, roster blocks that count in every working-time check and in
the loan limit, monthly settlement at the lender's tariff with ORT (amounts computed by hand from DOMAIN.md
below), and ending early."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.helpers import Region, auth, local
from tests.scenarios import UBL, shift_body
from tests.ubl_validation import problems


@pytest.fixture
async def region(client, pool):
    r = await Region(client).setup(pool, names=("Zonnehuis", "Thuiszorg West", "Derde Huis"))
    await r.worker("Thuiszorg West", "sanne")
    await r.worker("Zonnehuis", "own")
    for name, vat in (("Thuiszorg West", "NL100000009B01"), ("Zonnehuis", "NL100000022B01")):
        res = await client.patch(f"/v1/organisations/{r.orgs[name]['id']}", headers=auth(r.orgs[name]["admin"]),
                                 json={"iban": "NL91ABNA0417164300", "vatNumber": vat, "waadiRegistered": True,
                                       "address": "Laan 1", "postcode": "3511 AB", "city": "Utrecht"})
        assert res.status_code == 200, res.text
    return r


def _proposal(region, **extra):
    return {"workerId": region.workers["sanne"]["id"], "from": "2026-12-01", "to": "2027-02-28",
            "minutesPerWeek": 1440, "function": "verzorgende-ig", "siteId": region.sites["Zonnehuis"]["id"],
            "note": "vaste kracht voor afdeling De Linde", **extra}


async def _active(client, region, **extra):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    r = await client.post("/v1/secondments", json=_proposal(region, **extra), headers=planner)
    assert r.status_code == 201, r.text
    s = r.json()
    for who in (region.orgs["Thuiszorg West"]["admin"], "sanne@mail.test"):
        r = await client.post(f"/v1/secondments/{s['id']}/approve", headers=auth(who))
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"
    return r.json()


# December 2026: Monday the 7th 07:00-15:30, Saturday the 12th 13:00-21:00, Sunday the 13th 09:00-17:00,
# each with a 30-minute break.
WEEK = [(local(2026, 12, 7, 7), local(2026, 12, 7, 15, 30)), (local(2026, 12, 12, 13), local(2026, 12, 12, 21)),
        (local(2026, 12, 13, 9), local(2026, 12, 13, 17))]


async def _roster(client, region, s, blocks=WEEK, lo=local(2026, 12, 1), hi=local(2027, 1, 1)):
    return await client.put(f"/v1/secondments/{s['id']}/roster", headers=auth(region.orgs["Zonnehuis"]["planner"]),
                            json={"from": lo.isoformat(), "to": hi.isoformat(),
                                  "blocks": [{"startsAt": a.isoformat(), "endsAt": b.isoformat(), "breakMinutes": 30}
                                             for a, b in blocks]})


async def test_a_secondment_is_active_when_the_lender_and_the_worker_both_approved(client, region, pool):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    r = await client.post("/v1/secondments", json=_proposal(region), headers=planner)
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["status"] == "proposed" and s["lender"]["id"] == region.orgs["Thuiszorg West"]["id"]
    assert s["worker"]["id"] == region.workers["sanne"]["id"] and s["borrower"]["name"] == "Zonnehuis"
    assert (await _roster(client, region, s)).status_code == 409  # not active yet
    path = f"/v1/secondments/{s['id']}"
    # the lender's planner is a party but does not consent for it; a third organisation does not see it
    assert (await client.post(path + "/approve", headers=auth(region.orgs["Thuiszorg West"]["planner"]))).status_code == 403
    assert (await client.get(path, headers=auth(region.orgs["Derde Huis"]["planner"]))).status_code == 404
    assert (await client.post(path + "/approve", headers=auth(region.orgs["Derde Huis"]["admin"]))).status_code == 404
    r = await client.post(path + "/approve", headers=auth(region.orgs["Thuiszorg West"]["admin"]))
    assert r.status_code == 200 and r.json()["status"] == "proposed" and r.json()["approved"]["lenderAt"]
    assert r.json()["approved"]["workerAt"] is None
    r = await client.post(path + "/approve", headers=auth("sanne@mail.test"))
    assert r.status_code == 200 and r.json()["status"] == "active", r.text
    async with pool.acquire() as conn:
        told = {(row["email"], row["kind"]) for row in await conn.fetch(
            "SELECT u.email, n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind LIKE 'secondment-%'")}
    assert {(region.orgs["Thuiszorg West"]["admin"], "secondment-proposed"), ("sanne@mail.test", "secondment-proposed"),
            (region.orgs["Zonnehuis"]["planner"], "secondment-active")} <= told, told
    listed = (await client.get("/v1/secondments", headers=auth("sanne@mail.test"))).json()["items"]
    assert [x["id"] for x in listed] == [s["id"]]
    assert (await client.get("/v1/secondments", headers=auth(region.orgs["Derde Huis"]["planner"]))).json()["items"] == []


async def test_the_worker_may_decline(client, region):
    r = await client.post("/v1/secondments", json=_proposal(region), headers=auth(region.orgs["Zonnehuis"]["planner"]))
    s = r.json()
    r = await client.post(f"/v1/secondments/{s['id']}/decline", json={"reason": "te ver"}, headers=auth("sanne@mail.test"))
    assert r.status_code == 200 and r.json()["status"] == "declined", r.text
    late = await client.post(f"/v1/secondments/{s['id']}/approve", headers=auth(region.orgs["Thuiszorg West"]["admin"]))
    assert late.status_code == 409


async def test_secondment_blocks_count_in_every_working_time_check(client, region):
    s = await _active(client, region)
    r = await _roster(client, region, s)
    assert r.status_code == 200, r.text
    assert [b["paidMinutes"] for b in r.json()["blocks"]] == [480, 450, 450]
    sanne = auth("sanne@mail.test")
    # a shift at another organisation over a block, and one leaving too little rest after another
    over = await client.post("/v1/shifts", headers=auth(region.orgs["Derde Huis"]["planner"]), json=shift_body(
        region, "Derde Huis", start=local(2026, 12, 7, 14), urgent=True))
    rest = await client.post("/v1/shifts", headers=auth(region.orgs["Derde Huis"]["planner"]), json=shift_body(
        region, "Derde Huis", start=local(2026, 12, 12, 5), hours=7, urgent=True))
    for shift, problem in ((over.json(), "overlap"), (rest.json(), "rest-period")):
        res = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=sanne)
        assert res.status_code == 409 and res.json()["type"] == f"/problems/{problem}", res.text
    # the home employer cannot roster over a secondment block
    home = await _home_roster(client, region, local(2026, 12, 7, 12), local(2026, 12, 7, 20))
    assert home.status_code == 422, home.text
    # nor the borrower over the worker's home roster: refused as "unavailable", without saying why
    ok = await _home_roster(client, region, local(2026, 12, 14, 7), local(2026, 12, 14, 15))
    assert ok.status_code == 200, ok.text
    clash = await _roster(client, region, s, blocks=[*WEEK, (local(2026, 12, 14, 13), local(2026, 12, 14, 21))])
    assert clash.status_code == 409 and clash.json()["type"] == "/problems/worker-unavailable", clash.text
    # more than the agreed minutes a week
    long = await _roster(client, region, s, blocks=[*WEEK, (local(2026, 12, 9, 7), local(2026, 12, 9, 15, 30))])
    assert long.status_code == 422 and "1440" in long.text, long.text


async def _home_roster(client, region, start, end):
    """The home employer's roster of its worker for the day of one block."""
    west = region.orgs["Thuiszorg West"]
    day = start.replace(hour=0, minute=0)
    return await client.put(f"/v1/organisations/{west['id']}/workers/{region.workers['sanne']['id']}/roster",
                            headers=auth(west["admin"]),
                            json={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat(),
                                  "blocks": [{"startsAt": start.isoformat(), "endsAt": end.isoformat()}]})


async def test_the_loan_limit_counts_secondment_minutes(client, region):
    west = region.orgs["Thuiszorg West"]
    r = await client.patch(f"/v1/organisations/{west['id']}/workers/{region.workers['sanne']['id']}",
                           headers=auth(west["admin"]), json={"pool": {"maxLoanMinutesPerMonth": 1500}})
    assert r.status_code == 200, r.text
    s = await _active(client, region)
    assert (await _roster(client, region, s)).status_code == 200  # 1380 of 1500 minutes in December
    shift = (await client.post("/v1/shifts", headers=auth(region.orgs["Derde Huis"]["planner"]), json=shift_body(
        region, "Derde Huis", start=local(2026, 12, 20, 7), urgent=True))).json()
    res = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth("sanne@mail.test"))
    assert res.status_code == 409 and res.json()["type"] == "/problems/loan-limit", res.text
    more = await _roster(client, region, s, blocks=[*WEEK, (local(2026, 12, 15, 7), local(2026, 12, 15, 15))])
    assert more.status_code == 409 and more.json()["type"] == "/problems/worker-unavailable", more.text


async def test_a_secondment_is_settled_at_the_lenders_tariff_with_ort(client, region):
    """DOMAIN.md: the lender's tariff per hour, ORT of the borrower's CAO (VVT) on top per band, the break off
    the minutes without allowance first, each line rounded half up, VAT 21% once on the statement's sum."""
    west = region.orgs["Thuiszorg West"]
    r = await client.put(f"/v1/organisations/{west['id']}/tariffs", headers=auth(west["admin"]),
                         json={"functions": {"verzorgende-ig": 3600}})  # the lender's own tariff
    assert r.status_code == 200, r.text
    s = await _active(client, region)
    assert (await _roster(client, region, s)).status_code == 200
    tariff = 3600
    # Monday 07:00-15:30, break 30: 480 minutes, no band (weekdays 06-07 and 20-22 lie outside).
    monday = tariff * 480 / 60
    # Saturday 13:00-21:00, break 30: 480 minutes in "za 06-08 en 12-22" (38%); the break comes off the band.
    saturday = tariff * 450 / 60 + tariff * 450 * 38 / 6000
    # Sunday 09:00-17:00, break 30: 450 minutes at 60%.
    sunday = tariff * 450 / 60 + tariff * 450 * 60 / 6000
    amounts = [int(x + 0.5) for x in (monday, saturday, sunday)]
    assert amounts == [28800, 37260, 43200]
    amount = sum(amounts)
    vat = int(amount * 21 / 100 + 0.5)
    finance = auth(west["finance"])
    statements = (await client.get("/v1/settlements/2026-12/statements", headers=finance)).json()["items"]
    [st] = [x for x in statements if x["lenderOrganisationId"] == west["id"]]
    assert st["borrowerOrganisationId"] == region.orgs["Zonnehuis"]["id"]
    assert (st["minutes"], st["amountCents"], st["vatCents"], st["totalCents"]) == \
        (480 + 450 + 450, amount, vat, amount + vat)
    full = (await client.get(f"/v1/settlements/2026-12/statements/{st['id']}", headers=finance)).json()
    assert [(x["kind"], x["amountCents"], x["tariffCents"]) for x in full["lines"]] == \
        [("secondment", a, tariff) for a in amounts]
    assert [[(o["percent"], o["minutes"]) for o in x["ort"]] for x in full["lines"]] == [[], [(38, 450)], [(60, 450)]]
    assert all(x["secondmentId"] == s["id"] for x in full["lines"])
    assert "Waadi" in full["waadi"] or "KvK" in full["waadi"]
    path = f"/v1/settlements/2026-12/statements/{st['id']}"
    rows = list(csv.reader(io.StringIO((await client.get(path, headers={**finance, "Accept": "text/csv"})).text),
                           delimiter=";"))
    assert sum(1 for row in rows if "secondment" in row) == 3, rows
    xlsx = await client.get(path, headers={**finance, "Accept": "application/vnd.openxmlformats-officedocument."
                                                               "spreadsheetml.sheet"})
    cells = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row]
    assert cells.count("secondment") == 3
    xml = (await client.get(path, headers={**finance, "Accept": "application/xml"})).content
    names = [e.text or "" for e in ET.fromstring(xml).iterfind(".//cac:InvoiceLine/cac:Item/cbc:Name", UBL)]
    assert len(names) == 3 and all(n.startswith("Detachering") for n in names), names
    assert ET.fromstring(xml).findtext(".//cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=UBL) == \
        f"{(amount + vat) / 100:.2f}"
    assert problems(xml) == []


async def test_ending_early_removes_the_blocks_after_the_last_day(client, region):
    s = await _active(client, region)
    assert (await _roster(client, region, s)).status_code == 200
    r = await client.post(f"/v1/secondments/{s['id']}/end", json={"on": "2026-12-11", "reason": "terug naar eigen team"},
                          headers=auth(region.orgs["Thuiszorg West"]["admin"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ended" and body["to"] == "2026-12-11"
    assert [b["startsAt"][:10] for b in body["blocks"]] == ["2026-12-07"]
    past = await client.post(f"/v1/secondments/{s['id']}/end", json={"on": date(2026, 1, 1).isoformat()},
                             headers=auth(region.orgs["Zonnehuis"]["planner"]))
    assert past.status_code in (409, 422), past.text
    assert (await client.post(f"/v1/secondments/{s['id']}/end", json={"on": "2026-12-11"},
                              headers=auth("sanne@mail.test"))).status_code == 403


async def test_the_seconded_worker_sees_the_secondment_shifts_in_the_calendar(client, region):
    from icalendar import Calendar
    s = await _active(client, region)
    assert (await _roster(client, region, s)).status_code == 200
    url = (await client.get("/v1/me/calendar", headers=auth("sanne@mail.test"))).json()["url"]
    cal = Calendar.from_ical((await client.get(url[url.index("/v1/calendar/"):])).content)
    events = [e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Detachering Zonnehuis")]
    assert [e.decoded("dtstart") for e in events] == [a for a, _ in WEEK]
    assert {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")} == {"Europe/Amsterdam"}


async def test_the_balance_counts_secondment_minutes_as_lent_and_borrowed(client, region):
    s = await _active(client, region)
    assert (await _roster(client, region, s)).status_code == 200
    res = await client.get("/v1/reports/balance", headers=auth(region.coordinator),
                           params={"from": local(2026, 12, 1).isoformat(), "to": local(2027, 1, 1).isoformat()})
    assert res.status_code == 200, res.text
    rows = {r["name"]: r for r in res.json()["items"]}
    assert rows["Thuiszorg West"]["minutesLent"] == 1380 and rows["Zonnehuis"]["minutesBorrowed"] == 1380


async def test_a_leaver_s_secondment_ends_and_its_blocks_ahead_go(client, region, pool):
    s = await _active(client, region)
    assert (await _roster(client, region, s)).status_code == 200
    west = region.orgs["Thuiszorg West"]
    r = await client.delete(f"/v1/organisations/{west['id']}/workers/{region.workers['sanne']['id']}",
                            headers=auth(west["admin"]))
    assert r.status_code == 204, r.text
    after = (await client.get(f"/v1/secondments/{s['id']}", headers=auth(region.orgs["Zonnehuis"]["planner"]))).json()
    assert after["status"] == "ended" and after["blocks"] == []  # every block lay ahead
    async with pool.acquire() as conn:
        told = await conn.fetchval("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id "
                                   "WHERE n.kind = 'secondment-ended' AND u.email = $1", region.orgs["Zonnehuis"]["planner"])
    assert told == 1
