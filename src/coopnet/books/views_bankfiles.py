"""A payout run's bank files, for the coordinator only (anyone else gets 404): the pain.001
batch the bank takes and the CSV of the run. A file that cannot be made (the network's own
account not set, nobody in the run with bank details) is a 409 with one line saying why."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from coopnet.books import bankfiles
from coopnet.books.services import books_settings
from coopnet.common.errors import error_items
from coopnet.common.http import not_allowed

#: the payouts a pain.001 file leaves out (no bank details), by reference
LEFT_OUT_HEADER = "X-Coopnet-Left-Out"


def _attachment(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refusal(error: ValidationError) -> HttpResponse:
    message = " ".join(text for _, text in error_items(error))
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


@login_required
def pain001(request: HttpRequest, run_id: int) -> HttpResponse:
    run = bankfiles.run_for_user(request.user, run_id)
    if refused := not_allowed(request, "GET"):
        return refused
    try:
        made = bankfiles.pain001(run, books_settings())
    except ValidationError as error:
        return _refusal(error)
    response = _attachment(made.xml, "application/xml", made.filename)
    if made.left_out:
        response[LEFT_OUT_HEADER] = ", ".join(p.reference for p in made.left_out)
    return response


@login_required
def payouts_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    run = bankfiles.run_for_user(request.user, run_id)
    if refused := not_allowed(request, "GET"):
        return refused
    filename = f"payout-run-{run.pk}.csv"
    return _attachment(bankfiles.payouts_csv(run), "text/csv; charset=utf-8", filename)
