"""An organisation's skills page and its forms: its own map with free hours, its score, the
opt-in, wishes and mentoring hours, its pairings, sessions and level changes. Members of the
organisation only: anyone else gets 404 whatever the method; a form with errors comes back
with status 400 and the errors on its fields."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, QuerySet, When
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.timezone import now

from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed as _not_allowed
from coopnet.common.once import accepted_once
from coopnet.directory.models import Organisation, Person
from coopnet.directory.selectors import is_admin, organisation_for_member
from coopnet.mentoring import charts, selectors, services
from coopnet.mentoring.forms import (
    LevelChangeForm,
    MentorHoursForm,
    OptInForm,
    SessionForm,
    WishForm,
    person_label,
)
from coopnet.mentoring.models import MentoringOptIn, Pairing
from coopnet.mentoring.tables import skill_table
from coopnet.mentoring.views import HISTORY_POINTS, VISIBLE_STATUSES, admin_organisations

SAVED = {
    "opt_in": "{organisation} now accepts mentoring pairs with other organisations that opted in.",
    "opt_out": "{organisation} now keeps mentoring pairs within the organisation.",
    "wish": "Added: {person} wants to learn {skill}.",
    "wish_removed": "The learning wish was removed.",
    "mentor_hours": "Mentoring hours saved for {person}.",
    "session": "Session recorded: {mentor} shared {skill} with {learner} for {hours} h.",
    "level": "{person} is now at level {level} in {skill}.",
}


def _own_people(request: HttpRequest, organisation: Organisation, admin: bool) -> QuerySet[Person]:
    """The people `request.user` may act for: all of them for an admin, else themselves."""
    people = organisation.people.select_related("organisation").order_by("name")
    return people if admin else people.filter(user__pk=request.user.pk or 0)


def _session_people(organisation: Organisation, opted_in: bool) -> QuerySet[Person]:
    """Who may take part in a session: the organisation's people, and those of the other
    organisations that opted in when this one did."""
    people = Person.objects.select_related("organisation")
    if opted_in:
        opted = MentoringOptIn.objects.values("organisation")
        chosen = people.filter(organisation=organisation) | people.filter(organisation__in=opted)
    else:
        chosen = people.filter(organisation=organisation)
    return chosen.order_by("organisation__name", "name")


def _search(slug: str, scope: str = "") -> str:
    """Where a person field of the page asks for the names matching what is typed."""
    url = reverse("mentoring:people_search", args=[slug])
    return f"{url}?scope={scope}" if scope else url


def _page(
    request: HttpRequest, slug: str, forms: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    own = selectors.organisation_map(request.user, slug, people_page=request.GET.get("page") or 1)
    organisation = own.organisation
    admin = is_admin(request.user, organisation)
    people = _own_people(request, organisation, admin)
    session_people = _session_people(organisation, own.opted_in)
    search, session_search = _search(slug), _search(slug, SESSION)
    forms = {
        "opt_in": OptInForm(initial={"opted_in": own.opted_in}),
        "wish": WishForm(people=people, search=search),
        "mentor_hours": MentorHoursForm(people=people, search=search),
        "session": SessionForm(people=session_people, search=session_search),
        "level": LevelChangeForm(people=people, search=search),
        **(forms or {}),
    }
    involved = selectors.visible_pairings(request.user).filter(
        selectors.organisation_filter(organisation), status__in=VISIBLE_STATUSES
    )
    sessions = selectors.visible_sessions(request.user).filter(
        selectors.organisation_filter(organisation)
    )
    context = {
        "own": own,
        "organisation": organisation,
        "score": charts.percent(own.score),
        "is_admin": admin,
        "can_act": people.exists(),
        "forms": forms,
        "pairings": involved.order_by("status", "skill__slug", "pk"),
        "sessions": sessions[:20],
        "changes": selectors.level_changes(organisation)[:20],
        "admin_orgs": admin_organisations(request),
        "demand_chart": charts.demand_chart(own.skills),
        "table": skill_table(request, own.skills, default="all"),
        "history_chart": charts.score_chart(
            selectors.history_recent(organisation.slug, HISTORY_POINTS),
            f"{organisation}'s demand at risk over time",
            (now(), own.score),
        ),
    }
    return render(request, "mentoring/organisation.html", context, status=status)


@login_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation_for_member(request.user, slug)
    if refused := _not_allowed(request, "GET"):
        return refused
    return _page(request, slug)


def _submit(
    request: HttpRequest, slug: str, key: str, form: Form, action: Any, renamed: dict[str, str]
) -> HttpResponse:
    """Validate `form`, run `action(cleaned_data)`; on success a message and back to the
    page, else the page again with the errors on the form's fields and status 400."""
    if form.is_valid():
        try:
            message = action(form.cleaned_data)
        except ValidationError as error:
            apply_errors(error, form, renamed=renamed)
        else:
            messages.success(request, message)
            return redirect("mentoring:organisation", slug=slug)
    return _page(request, slug, forms={key: form}, status=400)


def _guarded(request: HttpRequest, slug: str) -> tuple[Organisation, bool, HttpResponse | None]:
    """The organisation (404 for outsiders), whether the user administers it, and a 405
    response for a method other than POST."""
    organisation = organisation_for_member(request.user, slug)
    admin = organisation.pk in admin_organisations(request)
    return organisation, admin, _not_allowed(request, "POST")


@login_required
def opt_in(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _, refused = _guarded(request, slug)
    if refused:
        return refused
    form = OptInForm(request.POST)

    def act(data: dict[str, Any]) -> str:
        on = services.opt_in_set(
            actor=request.user, organisation_slug=slug, opted_in=data["opted_in"]
        )
        return SAVED["opt_in" if on else "opt_out"].format(organisation=organisation)

    return _submit(request, slug, "opt_in", form, act, {})


@login_required
def wish_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, admin, refused = _guarded(request, slug)
    if refused:
        return refused
    form = WishForm(
        request.POST, people=_own_people(request, organisation, admin), search=_search(slug)
    )

    def act(data: dict[str, Any]) -> str:
        wish = services.wish_add(actor=request.user, person_id=data["person"], skill=data["skill"])
        return SAVED["wish"].format(person=wish.person, skill=wish.skill)

    return _submit(request, slug, "wish", form, act, {})


@login_required
def wish_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, _, refused = _guarded(request, slug)
    if refused:
        return refused
    services.wish_remove(actor=request.user, wish_id=pk)
    messages.success(request, SAVED["wish_removed"])
    return redirect("mentoring:organisation", slug=slug)


@login_required
def mentor_hours(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, admin, refused = _guarded(request, slug)
    if refused:
        return refused
    form = MentorHoursForm(
        request.POST, people=_own_people(request, organisation, admin), search=_search(slug)
    )

    def act(data: dict[str, Any]) -> str:
        services.mentor_hours_set(
            actor=request.user, person_id=data["person"], hours=data["mentor_hours"]
        )
        return SAVED["mentor_hours"].format(person=Person.objects.get(pk=data["person"]))

    return _submit(request, slug, "mentor_hours", form, act, {})


@login_required
@accepted_once
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _, refused = _guarded(request, slug)
    if refused:
        return refused
    opted_in = MentoringOptIn.objects.filter(organisation=organisation).exists()
    people = _session_people(organisation, opted_in)
    form = SessionForm(request.POST, people=people, search=_search(slug, SESSION))

    def act(data: dict[str, Any]) -> str:
        session = services.session_record(
            actor=request.user,
            mentor_id=data["mentor"],
            learner_id=data["learner"],
            skill=data["skill"],
            hours=data["hours"],
            date=data["date"],
            notes=data["notes"],
            pairing_id=_matching_pairing(data),
        )
        return SAVED["session"].format(
            mentor=session.mentor, learner=session.learner, skill=session.skill, hours=session.hours
        )

    return _submit(request, slug, "session", form, act, {})


def _matching_pairing(data: dict[str, Any]) -> int | None:
    """The agreed pairing this session belongs to, if there is one."""
    found = Pairing.objects.filter(
        mentor_id=data["mentor"],
        learner_id=data["learner"],
        skill__slug=data["skill"],
        status=Pairing.AGREED,
    ).first()
    return found.pk if found else None


@login_required
@accepted_once
def level_change(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, admin, refused = _guarded(request, slug)
    if refused:
        return refused
    form = LevelChangeForm(
        request.POST, people=_own_people(request, organisation, admin), search=_search(slug)
    )

    def act(data: dict[str, Any]) -> str:
        change = services.level_change_record(
            actor=request.user, person_id=data["person"], skill=data["skill"], level=data["level"]
        )
        return SAVED["level"].format(
            person=change.person, level=change.new_level, skill=change.skill
        )

    return _submit(request, slug, "level", form, act, {})


#: the people a session may bring together (the person fields of the other forms: whom the
#: viewer may act for)
SESSION = "session"
#: how many names a person field suggests at once
PEOPLE_MATCHES = 20


@login_required
def people_search(request: HttpRequest, slug: str) -> HttpResponse:
    """The names matching ?q= among the people a field of the organisation's skills page may
    choose (?scope=session: a session's, across the organisations that opted in; otherwise
    those the viewer may act for), as the <option>s of its <datalist>: what coopnet.js asks for
    as a name is typed, so that no page lists a large organisation's every person. 404 for
    anyone who is not a member of the organisation."""
    organisation = organisation_for_member(request.user, slug)
    if refused := _not_allowed(request, "GET"):
        return refused
    text = request.GET.get("q", "").strip()[:200]
    if request.GET.get("scope") == SESSION:
        opted_in = MentoringOptIn.objects.filter(organisation=organisation).exists()
        people = _session_people(organisation, opted_in)
    else:
        people = _own_people(request, organisation, is_admin(request.user, organisation))
    found = people.filter(name__icontains=text) if text else people.none()
    ordered = found.order_by(
        Case(When(name__istartswith=text, then=0), default=1), "name", "organisation__name"
    )
    options = [person_label(p) for p in ordered[:PEOPLE_MATCHES]]
    response = render(request, "mentoring/_people_options.html", {"options": options})
    patch_cache_control(response, private=True, max_age=60)
    return response
