"""The Litestar application factory: routes, auth, problem details, OpenAPI, CORS, limits, metrics."""
from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from litestar import Litestar, Request

# Litestar's own msgspec schema plugin is not public API (pinned <3); the schema test guards the import.
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.config.cors import CORSConfig
from litestar.exceptions import ValidationException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Reference, Schema
from litestar.plugins.prometheus import PrometheusConfig
from litestar.static_files import create_static_files_router

from api import openapi_docs
from api.allow import complete_allow
from api.auth import PUBLIC_PATHS, JWTAuthenticationMiddleware, TokenVerifier
from api.deps import DEPENDENCIES
from api.input import query_problems, strict_body_problems
from api.metrics import metrics_port, metrics_routes
from api.principals import Principals
from api.problems import EXCEPTION_HANDLERS, problem_page
from api.request_connection import RequestConnectionMiddleware
from api.routes import ROUTES
from api.security_headers import security_headers
from api.write_gate import WriteGateMiddleware
from flexpool import config as config_module
from flexpool.config import Settings
from flexpool.services import database

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    import asyncpg
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.typing import FieldDefinition

log = logging.getLogger("flexpool.api")

# Background work started with the app and stopped before its pool closes (the scheduler, the dispatcher).
Hook = Callable[[Litestar], AbstractAsyncContextManager[object]]

# The interactive docs' scripts are served by the service itself: no third-party CDN sees who reads them.
DOCS_ASSETS = "/schema/assets"
SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"


async def check_input(request: Request) -> None:
    """Before any handler: instants in the query carry offsets; a JSON body has exactly the declared types
    (Litestar converts bodies laxly, so `"nights": 0` would pass as false)."""
    problems = query_problems(request.query_params)
    if problems:
        raise ValidationException("invalid query parameters", extra=problems)
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is not None and request.method in ("POST", "PUT", "PATCH"):
        body = await request.body()
        if body and request.headers.get("content-type", "application/json").startswith("application/json"):
            strict_body_problems(body, data.annotation)


def create_app(settings: Settings | None = None, *, pool: asyncpg.Pool | None = None,
               lifespan_hooks: Sequence[Hook] = ()) -> Litestar:
    settings = settings or config_module.load()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        own_pool = pool is None
        assert settings.database_url, "the CLI resolves the embedded database before the app starts"
        app.state.pool = pool or await database.open_pool(settings.database_url, settings.db_pool_size,
                                                          settings.statement_cache_size)
        app.state.settings = settings
        app.state.verifier = TokenVerifier(settings)
        app.state.migration_head = database.schema_head()
        app.state.principals = Principals(settings.database_url)
        listening = asyncio.create_task(app.state.principals.listen())
        try:
            async with metrics_port(settings), _hooks(app, lifespan_hooks):
                yield
        finally:
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)
            if own_pool:
                await app.state.pool.close()

    app = Litestar(
        route_handlers=[*ROUTES, problem_page, *metrics_routes(settings),
                        create_static_files_router(DOCS_ASSETS, directories=[SWAGGER_UI], include_in_schema=False,
                                                   name="docs-assets")],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[ClosedStructSchemaPlugin()],
        lifespan=[lifespan],
        before_send=[security_headers, complete_allow],
        before_request=check_input,
        middleware=[
            PrometheusConfig(app_name="flexpool", prefix="flexpool", group_path=True).middleware,
            RequestConnectionMiddleware,
            DefineMiddleware(JWTAuthenticationMiddleware, exclude=PUBLIC_PATHS),
            DefineMiddleware(WriteGateMiddleware, exclude=PUBLIC_PATHS),
        ],
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins), allow_credentials=True,
                               allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                               expose_headers=["Retry-After", "Location"]) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="FlexPool API", version="1.0.0", path="/schema",
            description="Regional shift-exchange flex pool for Dutch care organisations. Errors are "
                        "application/problem+json (RFC 9457); see /problems/<slug>.",
            render_plugins=[SwaggerRenderPlugin(
                path="/swagger", js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js", css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
                favicon=f"<link rel='icon' type='image/png' href='{DOCS_ASSETS}/favicon-32x32.png'>")]),
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
    openapi_docs.install(app)
    return app


class ClosedStructSchemaPlugin(StructSchemaPlugin):
    """Request bodies refuse unknown fields (a typo must not be ignored silently); the schema says so, for
    every struct with `forbid_unknown_fields`, when the schema is first built."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if getattr(info, "forbid_unknown_fields", False):
            schema.additional_properties = False
        # A field of a vocabulary (an enum component) keeps its default: Litestar writes the bare $ref.
        for field in getattr(info, "fields", ()):
            if isinstance(field.default, enum.Enum) and isinstance((schema.properties or {}).get(field.encode_name),
                                                                    Reference):
                assert schema.properties is not None
                schema.properties[field.encode_name] = Schema(all_of=[schema.properties[field.encode_name]],
                                                              default=field.default.value)
        return schema


@asynccontextmanager
async def _hooks(app: Litestar, hooks: Sequence[Hook]) -> AsyncIterator[None]:
    """Background work (scheduler, dispatcher) started with the app, stopped before the pool closes."""
    stack = []
    try:
        for hook in hooks:
            cm = hook(app)
            await cm.__aenter__()
            stack.append(cm)
        yield
    finally:
        for cm in reversed(stack):
            await cm.__aexit__(None, None, None)
