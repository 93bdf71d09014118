"""A request id for every request, so that a 500 a user reports can be found in the logs: the
middleware takes the proxy's `X-Request-ID` when it is sane (else makes a uuid4), answers it in
the same header, and the logging filter writes it on every log line made while the request
runs. The 500 pages show it (`common.views.server_error`)."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
#: what an incoming id may look like: a uuid, or a proxy's own short token
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,64}")
#: the id of the request being answered; "-" outside any request
_CURRENT: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being answered ("-" outside a request)."""
    return _CURRENT.get()


def incoming_or_new(value: str | None) -> str:
    """The incoming id when it is sane (8-64 letters, digits, `.`, `_`, `:`, `-`), else a
    new uuid4: a header a client sends must not forge log lines."""
    if value is not None and _SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request's id for the logs and answers it in `X-Request-ID`. First in the
    list, so that every other middleware's log lines carry it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_or_new(request.headers.get(HEADER))
        token = _CURRENT.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _CURRENT.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute for the formatter; filters nothing out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of writing, not the one there was when
    logging was configured (a test's captured stream is closed when the test ends)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # StreamHandler.__init__ sets it; the property always answers the current one


def logging_settings(level: str = "INFO") -> dict[str, Any]:
    """Django's LOGGING: everything at `level` and above to stderr, each line with its
    request id; 500s arrive here from `django.request` with their traceback."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
        },
        "handlers": {
            "stderr": {
                "()": StderrHandler,
                "filters": ["request_id"],
                "formatter": "line",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own config sends these to the console only when DEBUG: to ours always
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
        },
    }
