"""The OpenAPI document tells the truth, so that a client generated from it works.

Litestar documents each handler's success answer from its signature. What every operation shares is
added here, once, when the document is first built: the bearer security scheme (and `security: []` on
the public paths), the problem responses each operation can give (RFC 9457 documents with the `Problem`
schema), the `Idempotency-Key` header of every POST, the 202 of accept, and the four media types of a
statement chosen by `Accept`.
"""
from __future__ import annotations

import json
import re
from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin

PROBLEM = "application/problem+json"
PUBLIC_PREFIXES = ("/health", "/problems", "/metrics", "/v1/calendar/", "/schema")
WRITES = ("post", "put", "patch", "delete")

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `type` is stable per kind of error (GET it for an explanation).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["/problems/not-found"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "description": "validation: every field that is wrong",
                   "items": {"type": "object", "required": ["field", "message"],
                             "properties": {"field": {"type": "string"}, "message": {"type": "string"},
                                            "row": {"type": "integer", "description": "imports: the row"}}}},
        "blockers": {"type": "array", "description": "409 refusals of a booking: every reason, worded for the "
                                                     "caller (the worker, or a planner about the worker)",
                     "items": {"type": "object", "required": ["type", "detail"],
                               "properties": {"type": {"type": "string"}, "detail": {"type": "string"}}}},
        "shifts": {"type": "array", "description": "a refused series accept: each shift that cannot be taken, with "
                                                   "its blockers (`blockers` holds the first shift's)",
                   "items": {"type": "object", "required": ["shiftId", "blockers"],
                             "properties": {"shiftId": {"type": "string", "format": "uuid"},
                                            "blockers": {"type": "array", "items": {
                                                "type": "object", "required": ["type", "detail"],
                                                "properties": {"type": {"type": "string"},
                                                               "detail": {"type": "string"}}}}}}},
    },
}

WHY = {
    "400": "The request could not be read (malformed JSON, a path or query value of the wrong type).",
    "401": "No valid bearer token.",
    "403": "A known member of the organisation without the role for this.",
    "404": "Does not exist, or the caller may not see it (existence is not leaked).",
    "409": "Conflicts with the current state; refusals of a booking list every blocker.",
    "413": "The body is larger than the service accepts.",
    "422": "Invalid input; `errors` names each field.",
    "429": "Too many changes in a short time; see Retry-After.",
    "503": "The database is unreachable for the moment; see Retry-After.",
}

STATEMENT_MEDIA: dict[str, dict[str, Any]] = {
    "text/csv": {"schema": {"type": "string"}, "description": "Dutch Excel CSV (semicolons, decimal commas)"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                     "format": "binary"}},
    "application/xml": {"schema": {"type": "string"}, "description": "UBL 2.1 invoice following SI-UBL 2.0"},
}


def _problem(code: str) -> dict:
    response: dict[str, Any] = {"description": WHY[code],
                                "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    if code in ("429", "503"):
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
    return response


def _codes(path: str, method: str, operation: dict) -> list[str]:
    params = operation.get("parameters") or []
    codes = ["400"]
    if not path.startswith(PUBLIC_PREFIXES):
        codes += ["401", "403", "503"]
    if any(p.get("in") == "path" for p in params) or not path.startswith(PUBLIC_PREFIXES):
        codes.append("404")
    if params or "requestBody" in operation or method in WRITES:
        codes.append("422")
    if method in WRITES:
        codes += ["409", "429"]
    if "requestBody" in operation or method in ("post", "put", "patch"):
        codes.append("413")
    return codes


# Litestar names a page's component after the module of its items (`Page_api.shifts.schemas.Shift_`). Clients
# generate type names from these, so they keep the names they had before the shapes moved to their areas.
_PAGE_NAME = re.compile(r"Page_api\.\w+\.schemas\.(\w+)_")

# The code names an input `…In` (a partial update `…Patch`) and an output for what it is. Some outputs were
# published in v1.0 under other names (generated clients compile against `AssignmentOut`), and the input
# for quiet hours without its suffix; the document keeps those names: a component's name is part of the contract.
PUBLISHED_NAMES = {
    "QuietHoursIn": "QuietHours", "QuietHours": "QuietHoursOut", "Availability": "AvailabilityOut",
    "Grant": "RoleOut", "Notification": "NotificationOut", "Credential": "CredentialOut", "Vat": "VatOut",
    "OrtBand": "OrtBandOut", "Position": "PositionOut", "Transfer": "TransferOut",
    "StatementLine": "StatementLineOut", "Statement": "StatementOut", "Assignment": "AssignmentOut",
    "Application": "ApplicationOut", "Blocker": "BlockerOut",
}
_TITLE = re.compile(r"^\w+$|(?<=\[)\w+(?=\])")  # `Assignment`, `Page[Assignment]`
_COMPONENT = re.compile(r'(?<="#/components/schemas/)(\w+)(?=")|(?<=Page_api\.schemas\.)(\w+)(?=_)')


def _published(schema: dict) -> dict:
    """Components, references and titles under the names clients know (PUBLISHED_NAMES), in one pass so that
    a swap (QuietHoursIn is published as QuietHours, QuietHours as QuietHoursOut) does not chain."""
    components = schema.get("components", {}).get("schemas", {})
    renamed = {}
    for name, component in components.items():
        new = PUBLISHED_NAMES.get(name, name)
        if isinstance(component.get("title"), str):
            component["title"] = _TITLE.sub(lambda m: PUBLISHED_NAMES.get(m[0], m[0]), component["title"])
        renamed[_PAGE_NAME.sub(lambda m: f"Page_api.schemas.{PUBLISHED_NAMES.get(m[1], m[1])}_", new)] = component
    if components:
        schema["components"]["schemas"] = renamed
    text = _COMPONENT.sub(lambda m: PUBLISHED_NAMES.get(m[0], m[0]), json.dumps(schema))
    return json.loads(text)


def complete(schema: dict) -> dict:
    schema = _published(json.loads(_PAGE_NAME.sub(r"Page_api.schemas.\1_", json.dumps(schema))))
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                                "description": "OpenID Connect access token (or a development "
                                                               "token from `flexpool token EMAIL`)"}}
    schema["security"] = [{"bearer": []}]
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if path.startswith(PUBLIC_PREFIXES):
                operation["security"] = []
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method, operation):
                responses[code] = _problem(code)
            if method == "post":
                operation.setdefault("parameters", []).append({
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "description": "A repeat with the same key by the same user within 24 h returns the first "
                                   "answer and does nothing again.",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
    for path, item in schema.get("paths", {}).items():
        if path.endswith("/import") and "post" in item:
            item["post"]["requestBody"] = {"required": True, "description": "the file, as exported", "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}}}}
    _accept(schema)
    _statement(schema)
    _metrics(schema)
    return schema


def _accept(schema: dict) -> None:
    operation = schema["paths"]["/v1/shifts/{shift_id}/accept"]["post"]
    responses = operation["responses"]
    responses["201"] = {"description": "Booked (instant booking)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssignmentOut"}}}}
    responses["202"] = {"description": "Applied (approval booking): the planner decides",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApplicationOut"}}}}
    responses["409"]["description"] = ("Refused: `type` is the first blocker (shift-not-open, shift-full, "
                                       "not-in-audience, overlap, rest-period, shift-too-long, week-hours, "
                                       "night-shift-rules, qualification, credential, loan-limit, excluded); "
                                       "`blockers` lists all, worded for the worker")


def _statement(schema: dict) -> None:
    operation: dict[str, Any] = schema["paths"]["/v1/settlements/{month}/statements/{statement_id}"]["get"]
    ok = operation["responses"]["200"]
    ok["description"] = "The statement, in the media type asked for with Accept (or ?format=)"
    ok["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/StatementOut"}},
                     **{k: {"schema": v["schema"]} for k, v in STATEMENT_MEDIA.items()}}
    ok["headers"] = {"Content-Disposition": {"schema": {"type": "string"},
                                             "description": "RFC 6266, with filename* for the full name"}}


def _metrics(schema: dict) -> None:
    operation = schema["paths"].get("/metrics", {}).get("get")
    if operation:
        operation["responses"]["200"]["content"] = {"text/plain": {"schema": {"type": "string"}}}


class CompletedOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, serving the completed document (built lazily, once, like Litestar's)."""

    __slots__ = ()

    def provide_openapi_schema(self) -> dict[str, Any]:
        if not self._openapi_schema:
            self._openapi_schema = complete(self.provide_openapi().to_schema())
        return self._openapi_schema


def install(app: Litestar) -> None:
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = CompletedOpenAPIPlugin
