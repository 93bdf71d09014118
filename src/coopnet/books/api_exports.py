"""The books' downloads in the API (mounted at /api/books): `GET /books/export?format=beancount
|csv&organisation=slug`, the same file as the pages give, to the same people (404 for anyone
else; 422 naming the field for an unknown format, or for a member of several organisations
who names none)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from ninja import Router

from coopnet.books import exports
from coopnet.books.views_exports import download
from coopnet.engine.errors import BadInput

router = Router(tags=["books"])


@router.get("/export", response={200: str})
def export(
    request: HttpRequest, format: str = "beancount", organisation: str | None = None
) -> HttpResponseBase:
    """The network's books (the coordinator), or an organisation's view, as Beancount or CSV."""
    whose = exports.scope_for_user(request.user, organisation)  # 404 first, for outsiders
    try:
        form = exports.check_format(format)
    except BadInput as error:
        raise ValidationError({"format": str(error)}) from None
    return download(whose, form)
