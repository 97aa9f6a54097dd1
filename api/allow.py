"""`Allow` on OPTIONS answers lists every method of the path (Litestar's automatic OPTIONS handler can
list only part of them when several handlers share a path)."""
from __future__ import annotations

import re

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

_TYPED = re.compile(r"\{([^}:]+):[^}]+\}")


def _methods_by_path(app: Litestar) -> dict[str, str]:
    cached = getattr(app.state, "allow_by_path", None)
    if cached is None:
        found: dict[str, set[str]] = {}
        for route in app.routes:
            methods = getattr(route, "methods", None)
            if methods:
                found.setdefault(_TYPED.sub(r"{\1}", route.path), set()).update(methods)
        cached = app.state.allow_by_path = {path: ", ".join(sorted(m)) for path, m in found.items()}
    return cached


async def complete_allow(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    headers = MutableScopeHeaders.from_message(message)
    template = scope.get("path_template")
    if "allow" in headers and template:
        methods = _methods_by_path(scope["litestar_app"]).get(template)
        if methods:
            headers["Allow"] = methods
