"""The 500 answer, page and API alike. Django has already logged the exception (the
`django.request` logger, with the request id: `requestid.logging_settings`); the answer shows
the same id, so that whoever reports the error can say which one it was."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from coopnet.common.badtext import API_PREFIX
from coopnet.common.requestid import current_request_id

SERVER_ERROR = "Something went wrong on our side; it has been logged."


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's `handler500`: JSON under /api/, the 500 page elsewhere, each with the
    request id."""
    request_id = current_request_id()
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": SERVER_ERROR, "request_id": request_id}, status=500)
    page = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponse(page, status=500)
