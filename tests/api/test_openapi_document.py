"""The OpenAPI document tells the truth about what clients rely on (CONTRACT.md conventions)."""
from tests.helpers import auth

PUBLIC = ("/health", "/problems", "/metrics", "/v1/calendar/", "/schema")


async def document(client) -> dict:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


async def test_every_list_pages_with_limit_cursor_and_next_cursor(client):
    doc = await document(client)
    lists = []
    for path, method, op in operations(doc):
        content = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        shape = doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
        if method == "get" and "items" in shape.get("properties", {}):
            lists.append(path)
            names = {p["name"] for p in op.get("parameters", [])}
            assert {"limit", "cursor"} <= names and "nextCursor" in shape["properties"], path
    assert len(lists) >= 20


async def test_problems_security_and_idempotency_are_documented(client):
    doc = await document(client)
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert set(doc["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}
    for path, method, op in operations(doc):
        codes = op["responses"]
        for code, response in codes.items():
            if code.startswith("4") or code.startswith("5"):
                assert "application/problem+json" in response["content"], (path, method, code)
        if not path.startswith(PUBLIC):
            assert {"401", "403", "404"} <= set(codes) and op.get("security") != [], (path, method)
        else:
            assert op["security"] == [], path
        if method == "post":
            assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op["parameters"]), path
        if method in ("post", "put", "patch", "delete"):
            assert {"409", "422", "429"} <= set(codes), (path, method)
    accept = doc["paths"]["/v1/shifts/{shift_id}/accept"]["post"]["responses"]
    assert {"201", "202", "409"} <= set(accept)
    statement = doc["paths"]["/v1/settlements/{month}/statements/{statement_id}"]["get"]["responses"]["200"]
    assert set(statement["content"]) == {"application/json", "text/csv", "application/xml",
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    shifts = {p["name"] for p in doc["paths"]["/v1/shifts"]["get"]["parameters"]}
    assert {"siteId", "organisationId", "from", "to", "status"} <= shifts


async def test_a_bounded_list_pages_like_every_list(client, region):
    zon = region.orgs["Zonnehuis"]
    admin = auth(zon["admin"])
    url = f"/v1/organisations/{zon['id']}/members"
    everyone = (await client.get(url, headers=admin)).json()
    assert everyone["nextCursor"] is None and len(everyone["items"]) >= 3
    seen, cursor = [], None
    while True:
        page = (await client.get(url, params={"limit": 1, **({"cursor": cursor} if cursor else {})},
                                 headers=admin)).json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [m["id"] for m in everyone["items"]]


async def test_components_keep_the_names_clients_were_generated_from(client):
    """The code names outputs for what they are; the document keeps v1.0's component names (a renamed
    component breaks every generated client), in references, pages and titles alike."""
    from api.openapi_docs import PUBLISHED_NAMES

    doc = await document(client)
    components = doc["components"]["schemas"]
    published = set(PUBLISHED_NAMES.values())
    assert published <= set(components)
    assert {"Page_api.schemas.AssignmentOut_", "Page_api.schemas.NotificationOut_"} <= set(components)
    text = str(doc)
    for code_name in set(PUBLISHED_NAMES) - published:
        assert f"#/components/schemas/{code_name}'" not in text and code_name not in components, code_name
    assert components["AssignmentOut"]["title"] == "AssignmentOut"
    assert components["QuietHours"]["properties"].keys() == components["QuietHoursOut"]["properties"].keys()
    quiet_input = doc["paths"]["/v1/me/preferences"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    preferences = components[quiet_input["$ref"].rsplit("/", 1)[-1]]
    assert "QuietHours" in str(preferences["properties"]["quietHours"])
