"""Every route of the site, found by walking Django's URL resolver (the pages) and the API's
OpenAPI schema (its operations), so that the authorization matrix covers a new route without
anyone writing a test for it; and the path of each, filled from Outlier's real objects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "put", "patch", "delete")
#: the pages' routes that are not the site's own: Django's admin (its own permission system)
SKIPPED_PREFIXES = ("admin/",)
#: the API's own documents (the schema itself is public to the signed in)
API_DOCUMENTS = {"api-1:openapi-json", "api-1:openapi-view", "api-1:api-root"}


@dataclass(frozen=True)
class Route:
    """One operation of the API ("GET /api/people/{person_id}") or one page by its URL name
    ("books:invoice"), with the path template to fill."""

    key: str
    template: str  # "/api/people/{person_id}" or "/books/invoices/{invoice_id}/"
    methods: tuple[str, ...]
    api: bool
    body: Any = None  # the JSON schema of the operation's request body

    def path(self, ids: dict[str, Any]) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), self.template)


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(pattern.url_patterns, route, joined)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def url_patterns() -> list[tuple[str, str]]:
    """(route, name) for every URL pattern of the site but the skipped ones."""
    return [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns, "", "")
        if not route.startswith(SKIPPED_PREFIXES)
    ]


def _template(route: str) -> str:
    """Django's "people/<int:person_id>/" as "/people/{person_id}/"."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def page_routes() -> list[Route]:
    return [
        Route(name, _template(route), ("get", "post"), api=False)
        for route, name in url_patterns()
        if not route.startswith("api/") or name in API_DOCUMENTS
    ]


def api_routes(schema: dict[str, Any]) -> list[Route]:
    """Each operation of the schema, and each of its paths' other methods (which must answer
    405 or, to an outsider, what any other request gets)."""
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            routes.append(Route(f"{method.upper()} {path}", path, (method,), True, body))
        others = tuple(m for m in METHODS if m not in operations)
        if others:
            routes.append(Route(f"OTHER {path}", path, others, api=True))
    return routes


def example(schema: Any, components: dict[str, Any], hints: dict[str, Any], name: str = "") -> Any:
    """A body the schema accepts, so that a write gets past the API's validation to its access
    check: each required field from `hints` by its name (Outlier's objects), else the simplest
    value of its type."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components, hints, name)
    if name in hints:
        return hints[name]
    if "anyOf" in schema:
        return example(schema["anyOf"][0], components, hints, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        fields = schema.get("properties", {})
        return {
            field: example(fields[field], components, hints, field)
            for field in schema.get("required", [])
        }
    if kind == "array":
        return [example(schema.get("items", {}), components, hints)]
    simple = {"integer": 1, "number": 1, "boolean": True, "null": None}
    return simple.get(str(kind), "2026-07-01" if schema.get("format") == "date" else "x")
