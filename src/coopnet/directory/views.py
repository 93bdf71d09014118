"""The directory's pages. Each view starts from an access helper that 404s for anyone outside
the organisation (so outsiders cannot learn what exists), then 403s members who may look but
not change; the work itself is done by selectors, services and csv_io."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from coopnet.common import derived
from coopnet.common.access import CHANGE, VIEW, Action, User
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed, site_url
from coopnet.common.once import accepted_once
from coopnet.directory import csv_io, results, search_sql, selectors, services
from coopnet.directory.forms import (
    BaseSkillFormSet,
    DescribeForm,
    ImportForm,
    InviteForm,
    OwnHoursForm,
    PersonForm,
    SearchForm,
    skill_formset,
    skill_labels,
)
from coopnet.directory.models import Organisation, Person
from coopnet.directory.panels import profile_panels, public_panels
from coopnet.directory.templatetags.skills import skill_list

#: people per page of the directory's results and of an organisation's profile
PAGE_SIZE = 25
#: people per page of an organisation's own list (its members' working list)
MANAGE_PAGE_SIZE = 50
#: the most people a directory search pages through (40 pages): counting every match of a
#: common skill among 100,000 people takes PostgreSQL ~100 ms, counting up to this ~2 ms
SEARCH_LIMIT = 1000
#: the longest text a skill search looks for: a skill's name is at most 120 characters
SKILL_QUERY_LENGTH = 120
INVITED = "An invitation was sent to {email}."


# -- access ---------------------------------------------------------------------------------


def _organisation(request: HttpRequest, slug: str, action: Action = VIEW) -> Organisation:
    """The organisation, for its members; 404 for outsiders, 403 for members who may look
    but not `change`."""
    organisation = selectors.organisation_for_member(request.user, slug)
    if action == CHANGE and not selectors.is_admin(request.user, organisation):
        raise PermissionDenied(services.NOT_ADMIN)
    return organisation


def _person_to_edit(request: HttpRequest, person_id: int) -> tuple[Person, bool]:
    """The person and whether the user is an admin of their organisation; 404 for outsiders,
    403 for members other than the person themself."""
    person = selectors.person_for_member(request.user, person_id)
    is_admin = selectors.is_admin(request.user, person.organisation)
    is_self = person.user_id is not None and person.user_id == request.user.pk
    if not (is_admin or is_self):
        raise PermissionDenied(services.NOT_ADMIN)
    return person, is_admin


def _page_of(request: HttpRequest, paginator: Paginator[Any]) -> Page[Any]:
    """The page that ?page= asks for: the first for anything but a number from 1, the last
    for a number past the end (never an error)."""
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


# -- the public directory -------------------------------------------------------------------


@dataclass(frozen=True)
class PageLinks:
    """What `directory/_pages.html` reads of a page: where it is among how many."""

    number: int
    num_pages: int

    @property
    def paginator(self) -> PageLinks:
        return self

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True)
class Found:
    """A page of a directory search as HTML free of anything about the request or the viewer
    (`results.found_html`): the links to the other pages, which keep the rest of
    the request's query, go between `before` and `after` when `pages` is not None."""

    before: SafeString
    after: SafeString
    pages: PageLinks | None


#: where a page's links go in `results.found_html`, before they are known
_PAGES_HERE = "<!--coopnet:pages-->"


def _page_number(request: HttpRequest) -> int:
    """The page that ?page= asks for, as `_page_of` reads it, from 1 to the most a search
    pages through (beyond, the last page answers)."""
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    return min(max(number, 1), -(-SEARCH_LIMIT // PAGE_SIZE))


def _found(user: Any, arguments: dict[str, Any], number: int) -> Found:
    """Page `number` of the search's results (the last if there are fewer), rendered."""
    search = search_sql.prepared(user, **arguments)
    paginator = Paginator(range(search.count(SEARCH_LIMIT)), PAGE_SIZE)
    page = paginator.page(min(number, paginator.num_pages))
    people = search.people((page.number - 1) * PAGE_SIZE, PAGE_SIZE)
    html = results.found_html(page, people, arguments["skill"], SEARCH_LIMIT, _PAGES_HERE)
    before, here, after = html.partition(_PAGES_HERE)
    links = PageLinks(page.number, paginator.num_pages) if here else None
    return Found(mark_safe(before), mark_safe(after), links)  # halves of results' escaped HTML


@dataclass(frozen=True)
class Searched:
    """The search form as a request filled it in: its HTML, and the search it asks for (the
    arguments of `selectors.directory_search`), or None and the errors it shows instead, as
    (field id, label, message)."""

    form: str
    arguments: dict[str, Any] | None
    errors: tuple[tuple[str, str, str], ...]


#: what the search form reads of a request's query (any other parameter changes nothing in it)
_SEARCH_FIELDS = tuple(SearchForm.base_fields)


def _searched(request: HttpRequest) -> Searched:
    """The search form filled in with the request's query, checked and rendered once for
    everyone who types the same, until the network changes (a skill is found by its name in
    the taxonomy, and shown by it)."""
    typed = [request.GET.get(name) for name in _SEARCH_FIELDS]
    digest = hashlib.sha256(json.dumps(typed).encode()).hexdigest()
    key = f"directory:search-form:{digest}:{translation.get_language()}"
    return derived.kept(key, lambda: _searched_now(request.GET))


def _searched_now(query: QueryDict) -> Searched:
    form = SearchForm(query)
    if form.is_valid():
        return Searched(str(form), form.search_arguments(), ())
    errors = tuple(
        (field.id_for_label, str(field.label), str(error))
        for field in form
        for error in field.errors
    )
    return Searched(str(form), None, errors)


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Who in the network can do what, a page at a time; htmx asks for the results alone as
    the form changes. A page of results is kept until the network changes, for everyone who
    asks the same search (`selectors.search_key`: the viewer's organisations count only when
    free hours are asked for); so is the form as filled in, for everyone who types the same
    (`_searched`: it holds no CSRF token, being sent by GET)."""
    searched = _searched(request)
    found = None
    if searched.arguments is not None:
        arguments = searched.arguments
        number = _page_number(request)
        key = f"directory:search:{selectors.search_key(request.user, **arguments)}"
        key += f":{number}:{translation.get_language()}"
        found = derived.kept(key, lambda: _found(request.user, arguments, number))
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "directory/_results.html" if partial else "directory/search.html"
    context = {
        "form": mark_safe(searched.form),  # rendered by the form renderer (_searched)
        "errors": searched.errors,
        "found": found,
    }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def skill_search(request: HttpRequest) -> HttpResponse:
    """The skills matching ?q= (at most `selectors.SKILL_MATCHES`, those that start with it
    first), as the <option>s of a skill field's <datalist>: what coopnet.js asks for as a
    person types, so that no page sends the whole taxonomy. Open to anyone: the taxonomy is
    public, and a client describing its needs at the front door (/request/) types skills too."""
    text = request.GET.get("q", "")[:SKILL_QUERY_LENGTH]
    skills = selectors.skill_search(text)
    typed = skill_labels(skills)  # its name, or its id where another skill has that name
    context = {"skills": [(typed[skill.slug], skill.family) for skill in skills]}
    response = render(request, "directory/_skill_options.html", context)
    patch_cache_control(response, private=True, max_age=300)
    return response


@dataclass(frozen=True)
class ProfileShown:
    """What an organisation's profile shows every viewer: plain values, its first page of
    people and its panels' HTML (they show no form), kept until the next change."""

    pk: int
    slug: str
    name: str
    description: str
    kind: str
    location: str
    website: str
    public: bool
    people: int
    #: the HTML of the first page of its people (the only one of most organisations)
    first_people: str
    panels: tuple[str, ...]


def _profile_shown(slug: str) -> ProfileShown:
    """The profile of the organisation `slug` (404 if there is none: not kept)."""
    organisation, people = selectors.organisation_profile(slug)
    panels = tuple(
        str(render_to_string(p.template, {"organisation": organisation, "panel": p.context}))
        for p in profile_panels.shown(organisation)
    )
    return ProfileShown(
        organisation.pk,
        organisation.slug,
        organisation.name,
        organisation.description,
        organisation.get_kind_display(),
        organisation.location,
        organisation.website,
        organisation.public,
        people,
        _profile_people(organisation.pk, 1) if people else "",
        panels,
    )


def _profile_people(organisation_id: int, number: int) -> str:
    """Page `number` of the organisation's people, as the HTML of their table: written here
    rather than by a template loop, which took most of a new profile's time."""
    people = selectors.people_public(organisation_id, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    rows = "\n".join(
        f"<tr><td>{escape(p.name)}</td><td>{skill_list(p.skills)}</td></tr>" for p in people
    )
    return (
        '<table class="data">\n'
        '<thead><tr><th scope="col">Name</th><th scope="col">Skills (level 1–5)</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _member_of(user: User) -> frozenset[int]:
    """The ids of the organisations `user` belongs to (as a member or an admin: those whose
    private pages they may view), kept under their own id: no one else reads them."""
    if not user.is_authenticated:
        return frozenset()
    return derived.kept(
        f"directory:member-of:{user.pk}",
        lambda: frozenset(selectors.memberships(user).values_list("organisation_id", flat=True)),
    )


@login_required
@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's public profile: its people and their skills (a page at a time), and
    the panels the apps above add (the consortia it formed, its shared services); nothing
    private. What it shows is the same for every viewer but the link to the organisation's
    own pages, for its members: that is decided per request, the rest kept per organisation
    and day with its first page of people (a panel may change with the date: the services of
    this month), and any other page of people per organisation and page."""
    today = timezone.localdate().isoformat()
    # named for what it holds (a `ProfileShown` with its first page of people): a value kept
    # by an older release under another name, of another shape, is never read as one
    key = f"directory:profile-shown-described:{slug}:{today}"
    shown = derived.kept(key, lambda: _profile_shown(slug))
    # the page asked for, within the pages there are: what is kept is one of those
    page = _page_of(request, Paginator(range(shown.people), PAGE_SIZE))
    people = shown.first_people
    if page.number > 1:
        people = derived.kept(
            f"directory:profile:{slug}:people:{page.number}",
            lambda: _profile_people(shown.pk, page.number),
        )
    context = {
        "organisation": shown,
        "page": page,
        "people": mark_safe(people),  # its text escaped (_profile_people)
        "is_member": shown.pk in _member_of(request.user),
        "panels": [mark_safe(html) for html in shown.panels],  # rendered by the engine too
    }
    return render(request, "directory/profile.html", context)


@require_safe
def public_profile(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's profile for anyone, signed in or not, if it made it public (404 if
    not): its name, kind, location, website, description and the public panels of the apps
    above (its offerings); never its people, their rates or hours, or any private figure."""
    organisation = selectors.organisation_shown_to_all(slug)
    panels = [
        render_to_string(p.template, {"organisation": organisation, "panel": p.context})
        for p in public_panels.shown(organisation)
    ]
    context = {
        "organisation": organisation,
        "panels": [mark_safe(html) for html in panels],  # rendered by the template engine
    }
    return render(request, "directory/public_profile.html", context)


# -- an organisation's own pages ------------------------------------------------------------


@login_required
def describe(request: HttpRequest, slug: str) -> HttpResponse:
    """How the organisation describes itself, and whether its profile is public: its admins'."""
    organisation = _organisation(request, slug, CHANGE)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    initial = {
        "kind": organisation.kind,
        "location": organisation.location,
        "website": organisation.website,
        "description": organisation.description,
        "public": organisation.public,
    }
    form = DescribeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_describe(
                actor=request.user, organisation_slug=slug, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, f"{organisation.name}'s description was saved.")
            return redirect("directory:manage", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"organisation": organisation, "form": form}
    return render(request, "directory/describe.html", context, status=status)


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    context = {
        "organisation": organisation,
        "is_admin": selectors.is_admin(request.user, organisation),
        "page": _page_of(
            request, Paginator(selectors.people_private(request.user, slug), MANAGE_PAGE_SIZE)
        ),
        "members": organisation.memberships.select_related("user").order_by("user__username"),
        "invited": organisation.invitations.filter(status="pending").order_by("email"),
        "invite_form": InviteForm(),
        "import_form": ImportForm(),
    }
    return render(request, "directory/manage.html", context)


def _apply_errors(error: ValidationError, form: Form, formset: BaseSkillFormSet) -> None:
    """A service's errors on the form's fields, and `skills.<slug>` on that skill's row."""

    def on_skill_row(field: str, message: str) -> bool:
        if not field.startswith("skills."):
            return False
        formset.add_skill_error(field.removeprefix("skills."), message)
        return True

    apply_errors(error, form, route=on_skill_row)


def _person_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/person_form.html", context, status=status)


@login_required
@accepted_once
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, CHANGE)
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
    context = {"organisation": organisation, "form": form, "formset": formset}
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
    _organisation(request, person.organisation.slug, CHANGE)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    if request.method == "POST":
        services.person_delete(actor=request.user, person_id=person.pk)
        messages.success(request, f"{person.name} was removed.")
        return redirect("directory:manage", slug=person.organisation.slug)
    return render(request, "directory/person_delete.html", {"person": person})


# -- invitations ----------------------------------------------------------------------------


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, CHANGE)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.member_invite(
                actor=request.user,
                organisation_slug=slug,
                site_url=site_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, INVITED.format(email=user.email))
            return redirect("directory:manage", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"organisation": organisation, "form": form}
    return render(request, "directory/invite.html", context, status=status)


@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation to an organisation, for the invited account alone (404 for anyone else):
    it accepts or declines, and only on acceptance becomes a member."""
    if request.method == "POST":
        return _invitation_answer(request, token)
    found = selectors.invitation_for_invitee(request.user, token=token)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    return render(request, "directory/invitation.html", {"invitation": found})


def _invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.invitation_for_invitee(request.user, token=token)
    accept = request.POST.get("answer") == "accept"
    try:
        services.invitation_answer(actor=request.user, invitation_id=found.pk, accept=accept)
    except ValidationError as error:
        context = {"invitation": found, "errors": error.messages}
        return render(request, "directory/invitation.html", context, status=400)
    name = found.organisation.name
    if accept:
        messages.success(request, f"You are now a member of {name}.")
        return redirect("directory:manage", slug=found.organisation.slug)
    messages.success(request, f"You declined the invitation to {name}.")
    return redirect("home")


# -- import and export ----------------------------------------------------------------------


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _organisation(request, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    text = csv_io.export_csv(selectors.people_private(request.user, slug))
    return _download(text, "text/csv; charset=utf-8", f"{slug}-people.csv")


@login_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    people = selectors.people_private(request.user, slug)
    document = csv_io.export_network(organisation, people)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return _download(text, "application/json", f"{slug}-network.json")


@login_required
def import_people(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug, CHANGE)
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
    context = {"organisation": organisation, "form": form, "errors": errors}
    return render(request, "directory/import.html", context, status=status)
