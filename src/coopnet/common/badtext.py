"""Bad text refused at the door. Whatever a request carries (its path, its query string, a
form's fields, a JSON body) is checked once for text no column can store (`text.text_problem`)
before any view sees it, and refused naming the field: 422 from the API, with the same
`detail` as its other validation errors, 400 from a page. A JSON body that is not UTF-8 is a 400.
The services check their text too (`amounts.parse_text`): this is the net under every route."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

from coopnet.common.text import BAD_TEXT, bad_text_field, text_problem

NOT_UTF8 = "The request body is not UTF-8 text."
TOO_DEEP = "The request body is nested too deeply."
API_PREFIX = "/api/"


class Refusal(Exception):
    """Bad input found before the view: `field` at fault (None: the body as a whole)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _check_query(request: HttpRequest) -> None:
    """The path, the query string and a url-encoded form's fields (a multipart upload's are
    left to its form, which checks them)."""
    if text_problem(request.path):
        raise Refusal("path", BAD_TEXT)
    sources = [request.GET]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if text_problem(key):
                raise Refusal(None, BAD_TEXT)
            if any(text_problem(value) for value in values):
                raise Refusal(key, BAD_TEXT)


def _check_json(request: HttpRequest) -> None:
    if request.content_type != "application/json" or not request.body:
        return
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(None, NOT_UTF8) from None
    if "\\u" not in text:  # in JSON, only an escape can spell a NUL or a lone surrogate
        return
    try:
        field = bad_text_field(json.loads(text))
    except RecursionError:
        raise Refusal(None, TOO_DEEP) from None
    except ValueError:
        return  # not JSON: the view's parser answers that
    if field is not None:
        raise Refusal(field, BAD_TEXT)


def _refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        if refusal.field is None:
            return JsonResponse({"detail": refusal.message}, status=400)
        return JsonResponse({"detail": {refusal.field: [refusal.message]}}, status=422)
    named = f"{refusal.field}: " if refusal.field else ""
    return HttpResponseBadRequest(escape(f"Bad request. {named}{refusal.message}"))


class BadTextMiddleware:
    """Refuses a request carrying bad text before any view (or CSRF check) reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _check_query(request)
            _check_json(request)
        except Refusal as refusal:
            return _refuse(request, refusal)
        return self.get_response(request)
