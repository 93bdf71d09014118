"""Errors as people see them. Services raise Django's `ValidationError` naming the fields at
fault (`{"hours": "..."}`) and `PermissionDenied` for a right someone lacks; pages put the messages
on the form's fields (`apply_errors`), and the API answers 422 and 403 with them
(`install_api_handlers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

#: takes a message about `field` for a part of the page other than the form's own fields
#: (a formset's row, say), returning True when it did
Route = Callable[[str, str], bool]


def error_items(error: ValidationError) -> Iterator[tuple[str | None, str]]:
    """(field, message) for every message of `error`; field None when it names none."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                yield (None if field == "__all__" else field), message
    else:
        for message in error.messages:
            yield None, message


def apply_errors(
    error: ValidationError,
    form: Form,
    *,
    renamed: Mapping[str, str] | None = None,
    route: Route | None = None,
) -> None:
    """Show a service's ValidationError on the form: on the field it names (after `renamed`,
    the service's name for a field to the form's), else `route`'s part of the page, else the
    form as a whole."""
    for field, message in error_items(error):
        name = (renamed or {}).get(field or "", field)
        if name and route is not None and route(name, message):
            continue
        form.add_error(name if name in form.fields else None, message)


def error_detail(error: ValidationError) -> dict[str, list[str]]:
    """The API's `detail`: each field's messages ("__all__" for the form as a whole)."""
    detail: dict[str, list[str]] = {}
    for field, message in error_items(error):
        detail.setdefault(field or "__all__", []).append(message)
    return detail


def install_api_handlers(api: NinjaAPI) -> None:
    """422 with the messages by field for a ValidationError, 403 for PermissionDenied."""

    def invalid(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        return api.create_response(request, {"detail": error_detail(exc)}, status=422)

    def forbidden(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=403)

    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(PermissionDenied, forbidden)
