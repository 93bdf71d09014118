"""The signed-in user's notifications page (newest first, mark one or all read) and their
choice of e-mail. Nobody sees another's: someone else's notification is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.notifications import selectors, services
from coopnet.notifications.models import Preference

ALL_READ = "{count} notification(s) marked read."
SAVED = "Your choice of e-mail is saved."


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label="E-mail me", choices=Preference.EMAIL, widget=forms.RadioSelect)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if refused := not_allowed(request, "GET"):
        return refused
    rows = list(selectors.notifications_for_user(request.user)[: selectors.PAGE])
    unread = sum(row.read_at is None for row in rows)
    return render(request, "notifications/list.html", {"rows": rows, "unread": unread})


@login_required
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    selectors.notification_for_user(request.user, notification_id)  # 404 for anyone else's
    if refused := not_allowed(request, "POST"):
        return refused
    services.notification_read(actor=request.user, notification_id=notification_id)
    return redirect("notifications:list")


@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    if refused := not_allowed(request, "POST"):
        return refused
    count = services.notifications_read_all(actor=request.user)
    messages.success(request, ALL_READ.format(count=count))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    if request.method != "POST":
        form = PreferenceForm(initial={"email": selectors.preference_for_user(request.user)})
        return render(request, "notifications/preferences.html", {"form": form})
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.preference_set(actor=request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, SAVED)
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form}, status=400)
