"""The books' downloads as pages: `/books/export/beancount` and `/books/export/csv`, with
`?organisation=slug` for one organisation's view. The coordinator gets the network's books or
any organisation's view; an organisation's members get its view only; anyone else gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from coopnet.books import exports
from coopnet.common.http import not_allowed
from coopnet.directory.models import Organisation


def download(organisation: Organisation | None, form: str) -> StreamingHttpResponse:
    """The export streamed as an attachment (the API answers with the same)."""
    name = exports.filename(organisation, form, timezone.localdate())
    response = StreamingHttpResponse(
        exports.blocks(exports.text(exports.books(organisation), form)),
        content_type=exports.CONTENT_TYPES[form],
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request: HttpRequest, form: str) -> HttpResponseBase:
    try:
        organisation = exports.scope_for_user(request.user, request.GET.get("organisation"))
    except ValidationError:  # a member of several organisations named none
        return _choose(request, form)
    if refused := not_allowed(request, "GET"):
        return refused
    return download(organisation, exports.check_format(form))


def _choose(request: HttpRequest, form: str) -> HttpResponse:
    """400: which of the user's organisations, with a link to each one's export."""
    from coopnet.directory.selectors import memberships

    mine = [m.organisation for m in memberships(request.user).order_by("organisation__name")]
    context = {"organisations": mine, "form": form}
    return render(request, "books/export_choose.html", context, status=400)
