"""Bad input never hurts: every text a client sends is bounded, normalised and cleaned; every date sane."""
import base64
import csv
import io
from datetime import timedelta

import msgspec
import openpyxl

import api.routes  # noqa: F401 - every request shape is defined once the routes are imported
from api.input import Input
from tests.helpers import auth, future
from tests.scenarios import October


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def unbounded(t, path: str):
    """Paths of strings, lists and maps without a maximum length inside a msgspec type."""
    if isinstance(t, msgspec.inspect.StrType):
        if t.max_length is None and not t.pattern:
            yield path
    elif isinstance(t, (msgspec.inspect.ListType, msgspec.inspect.SetType, msgspec.inspect.FrozenSetType)):
        if t.max_length is None:
            yield path + "[]"
        yield from unbounded(t.item_type, path + "[]")
    elif isinstance(t, msgspec.inspect.DictType):
        if t.max_length is None:
            yield path + "{}"
        yield from unbounded(t.key_type, path + "{key}")
        yield from unbounded(t.value_type, path + "{}")
    elif isinstance(t, msgspec.inspect.UnionType):
        for member in t.types:
            yield from unbounded(member, path)
    elif isinstance(t, msgspec.inspect.Metadata):
        yield from unbounded(t.type, path)


def test_every_text_and_list_a_client_sends_has_a_maximum_length():
    problems = []
    for cls in subclasses(Input):
        info = msgspec.inspect.type_info(cls)
        for field in info.fields:
            if isinstance(field.type, msgspec.inspect.StructType):
                continue  # checked as its own class
            problems += list(unbounded(field.type, f"{cls.__name__}.{field.encode_name}"))
    assert not problems, problems


# --- through the API -------------------------------------------------------------------------------------


async def test_text_is_normalised_and_hostile_characters_refused(client, region):
    zon = region.orgs["Zonnehuis"]
    admin = auth(zon["admin"])
    url = f"/v1/organisations/{zon['id']}/sites"
    r = await client.post(url, headers=admin, json={"name": "  Cafe\u0301 de Linde  ", "city": "Utrecht"})
    assert r.status_code == 201 and r.json()["name"] == "Café de Linde"
    for bad, field in (("x" * 201, "name"), ("Linde\u202egnp.exe", "name"), ("Lin\u200bde", "name"),
                       ("Lin\x00de", "name"), ("   ", "name"), ("Twee\nregels", "name")):
        r = await client.post(url, headers=admin, json={"name": bad})
        assert r.status_code == 422 and r.json()["type"] == "/problems/validation", (bad, r.text)
        assert r.json()["errors"][0]["field"] == field
    # A free-text field may have a line break; a reason may not hide characters either.
    s = region.sites["Zonnehuis"]
    start = future(3, 7)
    body = {"siteId": s["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30,
            "description": "Afdeling Linde\nkamer 4"}
    r = await client.post("/v1/shifts", json=body, headers=auth(zon["planner"]))
    assert r.status_code == 201 and r.json()["description"] == "Afdeling Linde\nkamer 4"


async def test_dates_outside_sane_years_are_refused_and_nothing_is_written(client, region, pool):
    zon = region.orgs["Zonnehuis"]
    body = {"email": "far@mail.test", "name": "Ver", "function": "helpende", "contractMinutesPerWeek": 600,
            "credentials": [{"kind": "vog", "validUntil": "9999-12-31"}]}
    r = await client.post(f"/v1/organisations/{zon['id']}/workers", json=body, headers=auth(zon["admin"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith("validUntil")
    r = await client.post(f"/v1/organisations/{zon['id']}/workers", headers=auth(zon["admin"]),
                          json={**body, "credentials": [], "dateOfBirth": "1850-01-01"})
    assert r.status_code == 422
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM users WHERE email = 'far@mail.test'") == 0
    # Another organisation's candidate list keeps working.
    r = await client.get("/v1/shifts", headers=auth(region.orgs["Thuiszorg West"]["planner"]))
    assert r.status_code == 200


async def test_queries_cursors_and_months_are_checked(client, region):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    r = await client.get("/v1/offers", params={"from": "2026-12-01T10:00:00"}, headers=auth("lender@mail.test"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "from"
    r = await client.get("/v1/shifts", params={"to": "2026-12-01T10:00:00"}, headers=planner)
    assert r.status_code == 422
    for parts in (["x", "y"], ["2026-01-01T00:00:00+00:00", "not-a-uuid"], ["2026-01-01T00:00:00"], []):
        cursor = base64.urlsafe_b64encode(str(parts).replace("'", '"').encode()).decode()
        r = await client.get("/v1/shifts", params={"cursor": cursor}, headers=planner)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor", parts
    r = await client.get("/v1/me/notifications", params={"cursor": "bm90LWpzb24"}, headers=planner)
    assert r.status_code == 422
    for month in ("9999-12", "1970-01"):
        r = await client.get(f"/v1/settlements/{month}", headers=auth(region.coordinator))
        assert r.status_code == 422, month


async def test_deeply_nested_json_is_a_client_error(client, region):
    body = "[" * 20000 + "]" * 20000
    r = await client.post("/v1/shifts", content=body, headers={**auth(region.orgs["Zonnehuis"]["planner"]),
                                                              "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500 and r.headers["content-type"] == "application/problem+json"


async def test_the_body_limit_holds_before_the_idempotency_layer_buffers(database_url, pool):
    """Over a real socket (`flexpool serve`), as users run it: a body past FLEXPOOL_MAX_BODY_BYTES is refused with 413,
    announced or chunked, before the idempotency layer has buffered it."""
    import httpx

    from flexpool.services.regions import create_region
    from tests.processes import api_processes
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    headers = {**auth("coord@r.test"), "Idempotency-Key": "big-1", "Content-Type": "application/json"}
    sent = []

    async def chunks():
        for _ in range(256):  # 256 x 64 KiB = 16 MiB, chunked (no Content-Length)
            sent.append(1)
            yield b" " * 65536

    async with api_processes(database_url, FLEXPOOL_MAX_BODY_BYTES="100000") as [url], \
            httpx.AsyncClient(base_url=url, timeout=30) as c:
        r = await c.post("/v1/organisations", content=b'{"name": "' + b"x" * 200_000 + b'"}', headers=headers)
        assert r.status_code == 413 and r.json()["type"] == "/problems/too-large"
        try:
            r = await c.post("/v1/organisations", content=chunks(), headers={**headers, "Idempotency-Key": "big-2"})
            assert r.status_code == 413
        except (httpx.WriteError, httpx.ReadError):
            pass  # the server answered 413 and closed while the client was still sending: also refused
        r = await c.post("/v1/organisations", json={"name": "Klein"}, headers={**headers, "Idempotency-Key": "big-3"})
        assert r.status_code == 201


async def test_exports_cannot_carry_an_attack(client, pool):
    october = await October(client, pool).setup()
    r = october.region
    west = r.orgs["Thuiszorg West"]
    coordinator = auth(r.coordinator)
    hostile = {"=HYPERLINK(\"http://x\",\"klik\")": "worker", "+31 cmd": "site", "@SUM(A1)": "organisation"}
    await client.patch(f"/v1/organisations/{west['id']}/workers/{october.west['id']}", headers=auth(west["admin"]),
                       json={"name": "=HYPERLINK(\"http://x\",\"klik\")"})
    async with pool.acquire() as conn:  # names stored before this service cleaned input
        await conn.execute("UPDATE sites SET name = '+31 cmd' WHERE id = $1", r.sites["Zonnehuis"]["id"])
        await conn.execute("UPDATE organisations SET name = $2 WHERE id = $1", west["id"],
                           "@SUM(A1) Stichting ’s Heeren \"Loo\"\x07")
    statements = (await client.get("/v1/settlements/2026-10/statements", headers=coordinator)).json()["items"]
    st = next(s for s in statements if s["lenderOrganisationId"] == west["id"])
    url = f"/v1/settlements/2026-10/statements/{st['id']}"
    res = await client.get(url, headers={**coordinator, "Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig")), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells) and any(c.startswith("'+31 cmd") for c in cells)
    disposition = res.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and "filename*=UTF-8''" in disposition
    assert "%E2%80%99s" in disposition and disposition.split('filename="')[1].split('"')[0].isascii()
    res = await client.get(url, headers={**coordinator, "Accept": XLSX})
    sheet = openpyxl.load_workbook(io.BytesIO(res.content)).active
    values = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert any(c.value.startswith("=HYPERLINK") and c.data_type == "s" for c in values)
    res = await client.get(url, headers={**coordinator, "Accept": "application/xml"})
    import xml.etree.ElementTree as ET
    root = ET.fromstring(res.content)  # parses: the bell character never reached the XML
    assert "\x07" not in res.content.decode() and root is not None
    assert set(hostile.values()) == {"worker", "site", "organisation"}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_the_idempotency_layer_stops_reading_at_the_limit():
    """It pulls no more of the body than the limit allows: the rest is never buffered."""
    from types import SimpleNamespace

    from api.write_gate import _read_bounded
    pulled = []

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b" " * 65536, "more_body": True}

    scope = {"headers": [], "app": SimpleNamespace(state=SimpleNamespace(
        settings=SimpleNamespace(max_body_bytes=200_000)))}
    assert await _read_bounded(scope, receive) is None and len(pulled) == 4
    scope["headers"] = [(b"content-length", b"300000")]
    pulled.clear()
    assert await _read_bounded(scope, receive) is None and pulled == []


async def test_a_body_that_is_not_json_is_a_400_and_a_wrong_field_a_422_naming_it(client, region):
    headers = {**auth(region.orgs["Zonnehuis"]["planner"]), "Content-Type": "application/json"}
    r = await client.post("/v1/shifts", content=b'{"siteId": ', headers=headers)
    assert r.status_code == 400 and r.json()["type"] == "/problems/malformed-request"
    r = await client.post("/v1/shifts", content=b'{"places": "two"}', headers=headers)
    assert r.status_code == 422 and r.json()["type"] == "/problems/validation"
    assert r.json()["errors"] == [{"field": "places", "message": "Expected `int`, got `str`"}]
