"""A create form is accepted once: five identical posts make one row.

Each create form carries a one-time token (`{% once_field %}` from the `once` template tags,
inside the `<form>`), made when the form is rendered: a random nonce, signed with the user's
id and the time so that nobody can make one up or use another's. The view is decorated with
`@accepted_once` (below `@login_required`):

    @login_required
    @accepted_once
    def person_create(request, slug): ...

The first POST carrying a token claims it, atomically, by inserting its nonce into a table
with a unique index (a session cannot do this: two requests at once each read the same
session). If the view accepts the submission (it redirects), the claim keeps where it
redirected to; if not (the form had errors, or the view refused), the claim is released and
the same form may be sent again. A POST whose token was claimed already creates nothing: it is
redirected to what the first one created ("already submitted"), or told that the first one is
still being handled.

A POST without a valid token (none, forged, another user's, older than `MAX_AGE`) is answered
as the view would answer it (404 to an outsider, 403, the form's errors) with nothing saved:
the view runs in a transaction that is rolled back, its messages dropped; where it would have
accepted the form, the answer is a 400 asking to open the form again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coopnet.common.access import account
from coopnet.common.models import FormSubmission

__all__ = ["FIELD", "accepted_once", "form_token"]

FIELD = "form_once"
SALT = "coopnet.common.once"
MAX_AGE = dt.timedelta(days=2)
ALREADY = "This form was already submitted: nothing was added again."
IN_PROGRESS = "This form is being submitted already: wait a moment, then reload the page."
STALE = (
    "This form has expired or was not sent from its page, so nothing was saved: "
    "open the form again and send it once more."
)

View = Callable[..., HttpResponse]


def form_token(request: HttpRequest) -> str:
    """A fresh one-time token for a form the signed-in user is about to see."""
    return signing.dumps([request.user.pk, secrets.token_urlsafe(24)], salt=SALT)


def _nonce(request: HttpRequest) -> str | None:
    """The nonce of the POST's token, if the token is this user's and fresh; else None."""
    try:
        user_id, nonce = signing.loads(request.POST.get(FIELD, ""), salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return nonce if user_id == request.user.pk and isinstance(nonce, str) else None


def _claim(request: HttpRequest, nonce: str) -> FormSubmission | None:
    """Claim `nonce` for this request: None if it is ours now, else the earlier claim."""
    FormSubmission.objects.filter(created__lt=timezone.now() - MAX_AGE).delete()
    try:
        with transaction.atomic():
            FormSubmission.objects.create(nonce=nonce, user=account(request.user))
    except IntegrityError:
        return FormSubmission.objects.filter(nonce=nonce).first()
    return None


def _repeated(request: HttpRequest, earlier: FormSubmission | None) -> HttpResponse:
    if earlier is not None and earlier.result:
        messages.info(request, ALREADY)
        return redirect(earlier.result)
    return render(request, "common/once.html", {"message": IN_PROGRESS}, status=409)


def _accepted(response: HttpResponse) -> bool:
    return response.status_code in (301, 302, 303) and bool(response.get("Location"))


def _dry_run(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The view's answer to a POST without a valid token, with nothing saved or said."""
    kept = getattr(request, "_messages", None)
    request._messages = default_storage(request)  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            transaction.set_rollback(True)
    finally:
        request._messages = kept  # type: ignore[attr-defined]
    if _accepted(response):
        return render(request, "common/once.html", {"message": STALE}, status=400)
    return response


def accepted_once(view: View) -> View:
    """Accept a POST to `view` once per form token (see the module's docstring)."""

    @wraps(view)
    def once(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        nonce = _nonce(request)
        if nonce is None:
            return _dry_run(view, request, *args, **kwargs)
        if (earlier := _claim(request, nonce)) is not None:
            return _repeated(request, earlier)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            FormSubmission.objects.filter(nonce=nonce).delete()
            raise
        if _accepted(response):
            FormSubmission.objects.filter(nonce=nonce).update(result=response["Location"][:500])
        else:
            FormSubmission.objects.filter(nonce=nonce).delete()
        return response

    return once
