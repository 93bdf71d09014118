"""The errors every operation of the API can answer, declared in its OpenAPI schema, so that a
client (and schemathesis, in the tests) knows every status it may get: 401 without a valid
token or session, 403 for a right the user lacks, 404 for what is not there or not theirs,
422 for input the API or a service refuses (400 for a body that is not JSON at all)."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = "Error"

#: the house's error body: `detail` is a message, the messages by field (a service's
#: ValidationError), or the API's own list of what failed validation
ERROR: dict[str, Any] = {
    "title": ERROR_SCHEMA,
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "array"}},
                {"type": "array"},
            ]
        }
    },
    "required": ["detail"],
}

ERRORS = {
    400: "The body is not JSON",
    401: "No valid token or session",
    403: "A right the user lacks",
    404: "Not there, or not the user's to see",
    422: "Input refused, with the messages by field",
    429: "Too many requests: wait as Retry-After says",
}


def _response(description: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the error responses added to each operation (401 only where it needs
    authentication); what an operation declares itself stands."""
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA] = ERROR
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                if status == 401 and not operation.get("security"):
                    continue
                responses.setdefault(status, _response(description))
    return schema
