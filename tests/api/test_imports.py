"""Imports of workers and home rosters: dry run, every row's errors at once, all or nothing, an idempotent
re-import, Dutch spreadsheets (CSV with ; and BOM, XLSX with date cells), templates."""
import io
from datetime import date, datetime, time

import openpyxl

from flexpool.domain import imports as rules
from flexpool.domain.catalogue import DEFAULT
from flexpool.domain.clock import AMSTERDAM
from tests.helpers import auth, future

WORKERS = ("\ufeffPersoneelsnummer;E-mail;Naam;Functie;Contracturen;Geboortedatum;Postcode;Bekwaamheden;Flexpool;"
           "VOG geldig tot\r\n"
           "10001;anna@zon.test;Anna Jansen;Verzorgende IG;28;14-03-1990;3511 AB;medicatie, bhv;ja;31-12-2028\r\n"
           "10002;bram@zon.test;Bram de Vries;helpende;32,5;1-7-1985;;;nee;\r\n")
CSV = {"Content-Type": "text/csv"}


def url(region, kind: str) -> str:
    return f"/v1/organisations/{region.orgs['Zonnehuis']['id']}/{kind}/import"


async def test_a_workers_import_dry_run_then_for_real_then_again(client, region):
    admin = {**auth(region.orgs["Zonnehuis"]["admin"]), **CSV}
    r = await client.post(url(region, "workers"), params={"dryRun": "true"}, content=WORKERS.encode(), headers=admin)
    assert r.status_code == 200, r.text
    assert r.json() == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "invited": 0, "dryRun": True,
                        "errors": []}
    workers = (await client.get(f"/v1/organisations/{region.orgs['Zonnehuis']['id']}/workers", headers=admin)).json()
    assert "anna@zon.test" not in [w["email"] for w in workers["items"]]  # the dry run wrote nothing
    r = await client.post(url(region, "workers"), content=WORKERS.encode(), headers=admin)
    assert r.status_code == 200 and r.json()["created"] == 2, r.text
    workers = {w["email"]: w for w in (await client.get(
        f"/v1/organisations/{region.orgs['Zonnehuis']['id']}/workers", headers=admin)).json()["items"]}
    anna, bram = workers["anna@zon.test"], workers["bram@zon.test"]
    assert anna["employeeNumber"] == "10001" and anna["function"] == "verzorgende-ig"
    assert anna["contractMinutesPerWeek"] == 28 * 60 and anna["dateOfBirth"] == "1990-03-14"
    assert anna["skills"] == ["medicatie", "bhv"] and anna["pool"]["optedIn"] is True
    assert [c["validUntil"] for c in anna["credentials"] if c["kind"] == "vog"] == ["2028-12-31"]
    assert bram["contractMinutesPerWeek"] == 1950 and bram["pool"]["optedIn"] is False
    # The same file again changes nothing.
    r = await client.post(url(region, "workers"), content=WORKERS.encode(), headers=admin)
    assert r.json()["unchanged"] == 2 and r.json()["created"] == r.json()["updated"] == 0
    # Matched on the personnel number: a new name and hours are an update.
    changed = WORKERS.replace("Anna Jansen;Verzorgende IG;28", "Anna de Jong;Verzorgende IG;24")
    r = await client.post(url(region, "workers"), content=changed.encode(), headers=admin)
    assert (r.json()["updated"], r.json()["unchanged"]) == (1, 1)
    # Without a personnel number the e-mail address matches: nothing changes, nothing doubles.
    by_email = "e-mail;naam;functie;contracturen\r\nbram@zon.test;Bram de Vries;helpende;32,5\r\n"
    r = await client.post(url(region, "workers"), content=by_email.encode(), headers=admin)
    assert (r.json()["unchanged"], r.json()["created"]) == (1, 0), r.text
    # Someone of another organisation is invited, never silently added.
    other = "e-mail;naam;functie;contracturen\r\nlender@mail.test;X;helpende;10\r\n"
    r = await client.post(url(region, "workers"), content=other.encode(), headers=admin)
    assert r.json()["invited"] == 1 and r.json()["created"] == 0


async def test_every_rows_problems_at_once_and_nothing_written(client, region, pool):
    admin = {**auth(region.orgs["Zonnehuis"]["admin"]), **CSV}
    bad = ("personeelsnummer,e-mail,naam,functie,contracturen,geboortedatum\r\n"
           "1,ok@zon.test,Ok,helpende,20,01-01-1990\r\n"
           "2,not-an-address,Piet,tovenaar,20,31-02-1990\r\n"
           "3,ok@zon.test,Dubbel,helpende,eighty,\r\n")
    r = await client.post(url(region, "workers"), content=bad.encode(), headers=admin)
    assert r.status_code == 422 and r.json()["type"] == "/problems/validation"
    found = {(e["row"], e["field"]) for e in r.json()["errors"]}
    assert {(3, "email"), (3, "function"), (3, "dateOfBirth"), (4, "contractHoursPerWeek")} <= found
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM users WHERE email = 'ok@zon.test'") == 0
    r = await client.post(url(region, "workers"), params={"dryRun": "true"}, content=bad.encode(), headers=admin)
    assert r.status_code == 200 and len(r.json()["errors"]) >= 4
    r = await client.post(url(region, "workers"), content=b"kleur;maat\r\nrood;L\r\n", headers=admin)
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} >= {"kleur", "email", "name"}
    # Only the orgAdmin of the organisation imports.
    r = await client.post(url(region, "workers"), content=WORKERS.encode(),
                          headers={**auth(region.orgs["Zonnehuis"]["planner"]), **CSV})
    assert r.status_code == 403
    r = await client.post(url(region, "workers"), content=WORKERS.encode(),
                          headers={**auth(region.orgs["Thuiszorg West"]["admin"]), **CSV})
    assert r.status_code == 404


async def test_a_roster_import_from_xlsx_replaces_the_range_and_is_idempotent(client, region):
    zon = region.orgs["Zonnehuis"]
    admin = auth(zon["admin"])
    await client.post(url(region, "workers"), content=WORKERS.encode(), headers={**admin, **CSV})
    day = future(20, 0).date()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Personeelsnummer", "Datum", "Begintijd", "Eindtijd"])
    sheet.append([10001, datetime.combine(day, time()), time(7, 0), time(15, 30)])
    sheet.append([10001, datetime.combine(day, time()), "22:45", "07:15"])  # a night, into the next day
    sheet.append(["10002", f"{day:%d-%m-%Y}", 13 / 24, 21 / 24])  # times as fractions of a day
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = {**admin, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    r = await client.post(url(region, "rosters"), content=buffer.getvalue(), headers=xlsx)
    assert r.status_code == 200 and (r.json()["rows"], r.json()["created"]) == (3, 2), r.text
    r = await client.post(url(region, "rosters"), content=buffer.getvalue(), headers=xlsx)
    assert (r.json()["unchanged"], r.json()["created"], r.json()["updated"]) == (2, 0, 0)


async def test_roster_rows_and_their_problems(client, region):
    zon = region.orgs["Zonnehuis"]
    admin = {**auth(zon["admin"]), **CSV}
    await client.post(url(region, "workers"), content=WORKERS.encode(), headers=admin)
    day = future(20, 0).date()
    rows = (f"personeelsnummer;datum;begintijd;eindtijd\r\n"
            f"10001;{day:%d-%m-%Y};07:00;15:30\r\n"
            f"10001;{day:%d-%m-%Y};22:45;07:15\r\n"
            f"10002;{day:%d-%m-%Y};13:00;21:00\r\n")
    r = await client.post(url(region, "rosters"), content=rows.encode(), headers=admin)
    assert r.status_code == 200 and (r.json()["created"], r.json()["rows"]) == (2, 3), r.text
    workers = {w["employeeNumber"]: w for w in (await client.get(
        f"/v1/organisations/{zon['id']}/workers", headers=admin)).json()["items"]}
    start = datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM)
    roster = (
        await client.get(
            f"/v1/organisations/{zon['id']}/workers/{workers['10001']['id']}/roster",
            headers=admin,
            params={
                "from": start.isoformat(),
                "to": (start.replace(day=start.day) + (datetime(2000, 1, 3) - datetime(2000, 1, 1))).isoformat(),
            },
        )
    ).json()
    assert [(b["startsAt"][11:16], b["endsAt"][11:16]) for b in roster["blocks"]] == [("07:00", "15:30"), ("22:45", "07:15")]
    r = await client.post(url(region, "rosters"), content=rows.encode(), headers=admin)
    assert (r.json()["unchanged"], r.json()["created"], r.json()["updated"]) == (2, 0, 0)
    # The file's range is replaced: leaving a row out removes that block.
    shorter = rows.replace(f"10001;{day:%d-%m-%Y};22:45;07:15\r\n", "")
    r = await client.post(url(region, "rosters"), content=shorter.encode(), headers=admin)
    assert r.json()["updated"] == 1
    bad = (f"personeelsnummer;datum;begintijd;eindtijd\r\n99999;{day:%d-%m-%Y};07:00;15:00\r\n"
           f"10001;{day:%d-%m-%Y};07:00;15:00\r\n10001;{day:%d-%m-%Y};14:00;18:00\r\n10002;32-13-2026;7:00;8:00\r\n")
    r = await client.post(url(region, "rosters"), content=bad.encode(), headers=admin)
    assert r.status_code == 422
    assert {(e["row"], e["field"]) for e in r.json()["errors"]} >= {(2, "employeeNumber"), (4, "start"), (5, "date")}


async def test_templates_and_the_dst_gap(client, region):
    admin = auth(region.orgs["Zonnehuis"]["admin"])
    for kind in ("workers", "rosters"):
        r = await client.get(url(region, kind), headers=admin)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        header = r.content.decode("utf-8-sig").splitlines()[0].split(";")
        index, problems = rules.columns(header, rules.WORKER_COLUMNS if kind == "workers" else rules.ROSTER_COLUMNS)
        assert problems == [] and len(index) == len(header)
    # 02:30 on the last Sunday of March does not exist in Amsterdam.
    records, problems = rules.parse_roster(["datum", "begintijd", "eindtijd", "e-mail"],
                                           [(2, ["29-03-2026", "02:30", "08:00", "a@b.nl"])])
    assert records == [] and "does not exist" in problems[0][2]
    records, problems = rules.parse_workers(["e-mail", "naam", "functie", "contracturen"],
                                            [(2, ["a@b.nl", "A", "Verpleegkundige (hbo)", 36.0])], DEFAULT)
    assert problems == [] and records[0].function == "verpleegkundige-hbo" and records[0].contract_minutes_per_week == 2160
    assert rules.parse_date(date(2026, 1, 2)) == date(2026, 1, 2) and rules.parse_time(0.25) == time(6, 0)


async def test_a_roster_block_over_a_booking_is_refused(client, region):
    zon = region.orgs["Zonnehuis"]
    admin = {**auth(zon["admin"]), **CSV}
    await client.post(url(region, "workers"), content=WORKERS.encode(), headers=admin)
    start = future(4, 7)
    shift = await client.post("/v1/shifts", headers=auth(zon["planner"]), json={
        "siteId": region.sites["Zonnehuis"]["id"], "function": "helpende", "urgent": True,
        "startsAt": start.isoformat(), "endsAt": start.replace(hour=15).isoformat(), "breakMinutes": 30})
    booked = await client.post(f"/v1/shifts/{shift.json()['id']}/accept", headers=auth("anna@zon.test"))
    assert booked.status_code == 201, booked.text
    rows = f"personeelsnummer;datum;begintijd;eindtijd\r\n10002;{start:%d-%m-%Y};07:00;15:00\r\n" \
           f"10001;{start:%d-%m-%Y};13:00;21:00\r\n"
    r = await client.post(url(region, "rosters"), content=rows.encode(), headers=admin)
    assert r.status_code == 422 and [(e["row"], e["field"]) for e in r.json()["errors"]] == [(3, "start")]
