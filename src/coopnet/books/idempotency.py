"""`Idempotency-Key` for the API's writes that move money: a client that retries a request
(after a timeout, say) with the same key gets the first answer again instead of a second
payment or payout.

    @router.post("/payout-runs", response={201: PayoutRunOut}, openapi_extra=KEY_HEADER)
    @idempotent("payout-run", PayoutRunOut)
    def run_payouts(request, body: PayoutRunIn) -> Status[Any]: ...

A key is remembered per user and per scope (the endpoint and its path parameters), with a
fingerprint of the body. The key's row is inserted *before* the work, in the same transaction:
on PostgreSQL a concurrent request with the same key then blocks on the unique index until
the first commits, and finds its answer; if the first fails (any error rolls its row back) the
next one does the work itself. A retry with the same key and another body is refused; errors
are never remembered, so a corrected request may go through under the same key.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Schema, Status
from ninja.responses import NinjaJSONEncoder

from coopnet.books.models import IdempotencyKey
from coopnet.common.access import account

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
BAD_KEY = "An Idempotency-Key is 1 to 255 visible ASCII characters (got {value!r})."
KEY_REUSED = (
    "This Idempotency-Key was already used for a different request: use a new key for a new "
    "request (got {value!r})."
)

#: the header in an operation's OpenAPI (`openapi_extra=KEY_HEADER`)
KEY_HEADER: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": (
                "Makes the request safe to retry: a retry with the same key and body gets the "
                "first answer (with `Idempotent-Replayed: true`) and changes nothing; the same "
                "key with another body is refused (422)."
            ),
        }
    ]
}

View = Callable[..., Any]


def clean_key(value: str) -> str:
    """The header's value if it is 1-255 visible ASCII characters; else a ValidationError
    naming the header."""
    if not 1 <= len(value) <= 255 or not all("!" <= c <= "~" for c in value):
        raise ValidationError({HEADER: BAD_KEY.format(value=value[:300])})
    return value


def fingerprint(request: HttpRequest) -> str:
    """The request's body, whatever its spacing and key order, as a hash."""
    try:
        canonical = json.dumps(json.loads(request.body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = request.body
    return hashlib.sha256(canonical).hexdigest()


def _scope(name: str, request: HttpRequest) -> str:
    match = request.resolver_match
    params = sorted((match.kwargs if match else {}).items())
    return ":".join([name, *(f"{k}={v}" for k, v in params)])[:80]


def _render(status: int, data: Any, replayed: bool = False) -> HttpResponse:
    """The answer as JSON with its keys sorted, so that a replay is byte for byte the first."""
    body = json.dumps(data, cls=NinjaJSONEncoder, sort_keys=True)
    response = HttpResponse(body, status=status, content_type="application/json")
    if replayed:
        response[REPLAYED] = "true"
    return response


def _as_json(result: Any, schema: type[Schema]) -> tuple[int, Any]:
    status, value = (
        (result.status_code, result.value) if isinstance(result, Status) else (200, result)
    )
    dumped = schema.model_validate(value).model_dump(by_alias=True)
    return status, json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))


def idempotent(scope: str, schema: type[Schema]) -> Callable[[View], View]:
    """Make a ninja operation answer a repeated `Idempotency-Key` with its first answer.
    `schema` is the operation's success schema (the answer is stored as that JSON)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            key = request.headers.get(HEADER)
            if key is None:
                return view(request, *args, **kwargs)
            work = functools.partial(view, request, *args, **kwargs)
            return _once(request, _scope(scope, request), clean_key(key), schema, work)

        # ninja reads the parameters' types from the signature, resolved in the view's module
        wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _once(
    request: HttpRequest, scope: str, key: str, schema: type[Schema], work: Callable[[], Any]
) -> HttpResponse:
    """Claim the key, do the work and store its answer, all in one transaction: an error rolls
    the claim back with the work, so that nothing is remembered of a request that failed."""
    with transaction.atomic():
        row, earlier = _claim(request, scope, key)
        if earlier is not None:
            return earlier
        status, data = _as_json(work(), schema)
        row.status, row.response = status, data
        row.save(update_fields=["status", "response"])
    return _render(status, data)


def _claim(
    request: HttpRequest, scope: str, key: str
) -> tuple[IdempotencyKey, HttpResponse | None]:
    """The key's row, newly inserted (this request does the work); or the first request's
    answer to replay. A concurrent request holding the key makes this wait until it ends."""
    user, print_ = account(request.user), fingerprint(request)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, scope=scope, key=key, fingerprint=print_, status=0, response={}
            )
        return row, None
    except IntegrityError:
        earlier = IdempotencyKey.objects.get(user=user, scope=scope, key=key)
    if earlier.fingerprint != print_:
        raise ValidationError({HEADER: KEY_REUSED.format(value=key)})
    return earlier, _render(earlier.status, earlier.response, replayed=True)
