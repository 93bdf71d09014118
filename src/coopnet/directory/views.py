"""The directory's pages. Each view starts from an access helper that 404s for anyone outside
the organisation (so outsiders cannot learn what exists), then 403s members who may look but
not change; the work itself is done by selectors, services and csv_io."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_safe

from coopnet.directory import csv_io, selectors, services
from coopnet.directory.forms import (
    BaseSkillFormSet,
    ImportForm,
    InviteForm,
    OwnHoursForm,
    PersonForm,
    SearchForm,
    skill_formset,
)
from coopnet.directory.models import Membership, Organisation, Person, Skill
from coopnet.network.selectors import past_consortia
from coopnet.sharedservices.selectors import services_of
from coopnet.web.http import not_allowed

SEARCH_LIMIT = 200


# -- access ---------------------------------------------------------------------------------


def _membership(request: HttpRequest, slug: str) -> Membership:
    """The user's membership of the organisation; 404 for outsiders."""
    membership = selectors.memberships(request.user).filter(organisation__slug=slug).first()
    if membership is None:
        raise Http404("no such organisation")
    return membership


def _require_admin(membership: Membership) -> None:
    if membership.role != Membership.ADMIN:
        raise PermissionDenied(services.NOT_ADMIN)


def _person_to_edit(request: HttpRequest, person_id: int) -> tuple[Person, bool]:
    """The person and whether the user is an admin of their organisation; 404 for outsiders,
    403 for members other than the person themself."""
    person = selectors.person_for_member(request.user, person_id)
    membership = _membership(request, person.organisation.slug)
    is_admin = membership.role == Membership.ADMIN
    is_self = person.user_id is not None and person.user_id == request.user.pk
    if not (is_admin or is_self):
        raise PermissionDenied(services.NOT_ADMIN)
    return person, is_admin


# -- the public directory -------------------------------------------------------------------


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Who in the network can do what; htmx asks for the results alone as the form changes."""
    form = SearchForm(request.GET)
    people = None
    if form.is_valid():
        people = list(selectors.directory_search(**form.search_arguments())[: SEARCH_LIMIT + 1])
    context = {
        "form": form,
        "people": people[:SEARCH_LIMIT] if people is not None else None,
        "more": people is not None and len(people) > SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
        "searched_skill": form.cleaned_data.get("skill") if form.is_valid() else None,
    }
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "directory/_results.html" if partial else "directory/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's public profile: its people and their skills, and the consortia it
    formed (who with and when, never for how much); nothing private."""
    organisation = selectors.organisation_public(slug)
    people = organisation.people.prefetch_related("skills__skill")
    is_member = selectors.memberships(request.user).filter(organisation=organisation).exists()
    context = {
        "organisation": organisation,
        "people": people,
        "is_member": is_member,
        "past_consortia": past_consortia(organisation),
        "shared_services": services_of(organisation),
    }
    return render(request, "directory/profile.html", context)


# -- an organisation's own pages ------------------------------------------------------------


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership(request, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    organisation = membership.organisation
    context = {
        "organisation": organisation,
        "is_admin": membership.role == Membership.ADMIN,
        "people": selectors.people_private(request.user, slug),
        "members": organisation.memberships.select_related("user").order_by("user__username"),
        "invite_form": InviteForm(),
        "import_form": ImportForm(),
    }
    return render(request, "directory/manage.html", context)


def _apply_errors(error: ValidationError, form: Form, formset: BaseSkillFormSet) -> None:
    """Show a service's ValidationError on the fields it names."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, field_messages in items:
        for message in field_messages:
            if field and field.startswith("skills."):
                formset.add_skill_error(field.removeprefix("skills."), message)
            else:
                form.add_error(field if field in form.fields else None, message)


def _skill_options() -> Any:
    return Skill.objects.only("slug", "name").order_by("name")


def _person_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    context["skill_options"] = _skill_options()
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/person_form.html", context, status=status)


@login_required
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership(request, slug)
    _require_admin(membership)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form = PersonForm(request.POST or None)
    formset = skill_formset(request.POST or None)
    # all([...]) validates both, so that every field's error shows at once
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        try:
            person = services.person_create(
                actor=request.user,
                organisation_slug=slug,
                **form.cleaned_data,
                skills=formset.levels(),
            )
        except ValidationError as error:
            _apply_errors(error, form, formset)
        else:
            messages.success(request, f"{person.name} was added.")
            return redirect("directory:manage", slug=slug)
    context = {"organisation": membership.organisation, "form": form, "formset": formset}
    return _person_page(request, context)


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person, is_admin = _person_to_edit(request, person_id)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form_class = PersonForm if is_admin else OwnHoursForm
    initial = {"name": person.name, "hours_available": person.hours_available}
    if is_admin:
        initial["cost_rate"] = person.cost_rate
    levels = {s.skill.slug: s.level for s in person.skills.select_related("skill")}
    form = form_class(request.POST or None, initial=initial)
    formset = skill_formset(request.POST or None, levels=levels)
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        try:
            services.person_update(
                actor=request.user,
                person_id=person.pk,
                **form.cleaned_data,
                skills=formset.levels(),
            )
        except ValidationError as error:
            _apply_errors(error, form, formset)
        else:
            messages.success(request, f"{form.cleaned_data.get('name', person.name)} was saved.")
            return redirect("directory:manage", slug=person.organisation.slug)
    context = {"organisation": person.organisation, "person": person, "form": form}
    return _person_page(request, context | {"formset": formset})


@login_required
def person_delete(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_member(request.user, person_id)
    _require_admin(_membership(request, person.organisation.slug))
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    if request.method == "POST":
        services.person_delete(actor=request.user, person_id=person.pk)
        messages.success(request, f"{person.name} was removed.")
        return redirect("directory:manage", slug=person.organisation.slug)
    return render(request, "directory/person_delete.html", {"person": person})


# -- invitations ----------------------------------------------------------------------------


def _send_invitation(request: HttpRequest, user: Any, organisation: Organisation) -> None:
    link = request.build_absolute_uri(reverse("login"))
    if not user.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        link = request.build_absolute_uri(path)
    context = {
        "organisation": organisation,
        "inviter": request.user,
        "user": user,
        "link": link,
        "set_password": not user.has_usable_password(),
    }
    subject = render_to_string("directory/email/invitation_subject.txt", context).strip()
    body = render_to_string("directory/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership(request, slug)
    _require_admin(membership)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.member_invite(
                actor=request.user, organisation_slug=slug, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _send_invitation(request, user, membership.organisation)
            messages.success(request, f"An invitation was sent to {user.email}.")
            return redirect("directory:manage", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"organisation": membership.organisation, "form": form}
    return render(request, "directory/invite.html", context, status=status)


# -- import and export ----------------------------------------------------------------------


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _membership(request, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    text = csv_io.export_csv(selectors.people_private(request.user, slug))
    return _download(text, "text/csv; charset=utf-8", f"{slug}-people.csv")


@login_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership(request, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    people = selectors.people_private(request.user, slug)
    document = csv_io.export_network(membership.organisation, people)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return _download(text, "application/json", f"{slug}-network.json")


@login_required
def import_people(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership(request, slug)
    _require_admin(membership)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[csv_io.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = csv_io.people_import(
                actor=request.user,
                organisation_slug=slug,
                data=upload.read(csv_io.MAX_BYTES + 1),
                filename=upload.name,
            )
        except csv_io.ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(
                request, f"Imported: {result.created} added, {result.updated} updated."
            )
            return redirect("directory:manage", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"organisation": membership.organisation, "form": form, "errors": errors}
    return render(request, "directory/import.html", context, status=status)
