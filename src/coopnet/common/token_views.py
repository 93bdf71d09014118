"""The signed-in user's API tokens page: each token's name, when it was made, last used and
expires; a form to issue one (the key shown on the answering page, once, and never again); a
button to revoke each."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.models import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS
from coopnet.common.tokens import (
    token_for_user_or_404,
    token_issue,
    token_revoke,
    token_status,
    tokens_for_user,
)

REVOKED = "Token “{name}” revoked: it no longer works."


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “invoicing”.")
    expires_days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        initial=DEFAULT_EXPIRY_DAYS,
        help_text=f"At most {MAX_EXPIRY_DAYS} days.",
    )


def _page(request: HttpRequest, form: TokenForm, **extra: Any) -> HttpResponse:
    rows = [(t, token_status(t)) for t in tokens_for_user(request.user)]
    return render(request, "common/tokens.html", {"form": form, "rows": rows, **extra})


@never_cache  # the answer to an issue holds the key
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = token_issue(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["expires_days"],
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            return _page(request, TokenForm(), issued=token, key=key)
    return _page(request, form)


@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token_for_user_or_404(request.user, token_id)  # someone else's token: 404, whatever the method
    if refused := not_allowed(request, "POST"):
        return refused
    token = token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, REVOKED.format(name=token.name))
    return redirect("tokens:list")
