"""The network-wide skills pages: the overview (map, scores, progress), the mentoring plan and
a pairing. Each view checks access first (404 for outsiders, whatever the method), then the
method (405); the selectors and services do the work. A page shows one score, today's: a
plan's effect is computed again on today's map (`effects`)."""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timezone import now

from coopnet.common import derived
from coopnet.common.access import coordinator_or_404, is_coordinator
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed as _not_allowed
from coopnet.directory.selectors import admin_memberships
from coopnet.mentoring import charts, selectors, services
from coopnet.mentoring.effects import plan_effect
from coopnet.mentoring.forms import DecisionForm, PlanForm
from coopnet.mentoring.models import Pairing, Plan
from coopnet.mentoring.tables import choice, chosen_rows, counted_table, skill_table

PLAN_COMPUTED = "A new mentoring plan was computed: {count} pairings, score {before} → {after}."
DECIDED = "You {decision} the pairing of {mentor} and {learner} for {skill}."
#: the bars of the organisations' chart and the points of the score's, at most
ORGANISATION_BARS, HISTORY_POINTS = 20, 100
VISIBLE_STATUSES = [Pairing.PROPOSED, Pairing.AGREED, Pairing.DECLINED, Pairing.DONE]


def admin_organisations(request: HttpRequest) -> set[int]:
    admins = admin_memberships(request.user)
    return set(admins.values_list("organisation_id", flat=True))


def _plan_context(plan: Plan | None) -> dict[str, Any]:
    """The plan and its effect on today's map; what it promised when computed, if that is not
    what it would do today."""
    if plan is None:
        return {"plan": None}
    effect = plan_effect(plan)
    now = (charts.percent(effect.score), charts.percent(effect.score_with_plan))
    then = (charts.percent(plan.score_before), charts.percent(plan.score_after))
    return {
        "plan": plan,
        "effect": effect,
        "score_now": now[0],
        "score_with_plan": now[1],
        "then": then if then != now else None,
    }


def _key(*parts: object) -> str:
    """A part of a cache key from anything (a visitor's search, a chart's numbers): a digest."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _fragment(template: str, context: dict[str, Any]) -> str:
    """A part of a page rendered on its own, free of forms and of the session: the request
    is not in its context."""
    return mark_safe(render_to_string(template, context).removesuffix("\n"))


def _overview_parts(
    user: Any, skills: selectors.NetworkMap, coordinator: bool, mine: list[Any]
) -> tuple[str, str, list[selectors.ScorePoint]]:
    """What the skills page shows its viewer above the map, but the score over time: the
    score's cards (the plan's, which a coordinator may compute; the viewer's organisations),
    the charts of demand, of the organisations (the viewer's own among them) and of the
    sessions the viewer may see; and the recorded scores, to be drawn up to now."""
    sessions = selectors.visible_sessions(user)
    context = {
        "map": skills,
        "score": charts.percent(skills.score),
        "at_risk": len(skills.at_risk),
        "demand_chart": charts.demand_chart(skills.skills),
        "organisation_chart": charts.organisation_chart(
            skills.organisations, mine={o.slug for o in mine}, count=ORGANISATION_BARS
        ),
        "organisations": len(skills.organisations),
        "exposed": sum(o.score >= charts.EXPOSED for o in skills.organisations),
        "months_chart": charts.months_chart(selectors.hours_per_month(sessions)),
        "my_organisations": mine,
        **_plan_context(selectors.latest_plan()),
        "is_coordinator": coordinator,
        "min_posters": selectors.MIN_ORGANISATIONS_FOR_DEMAND,
        "demand_days": selectors.DEMAND_DAYS,
    }
    top = render_to_string("mentoring/_overview_top.html", context)
    middle = render_to_string("mentoring/_overview_middle.html", context)
    return top, middle, selectors.history_points(HISTORY_POINTS)


def _drawn(chart: charts.LineChart) -> str:
    """All that the score's chart shows (its points as the template rounds them), so that
    the charts drawn at two instants share a key only when they are the same."""
    tenth = Decimal("0.1")
    rounded = [
        (str(Decimal(str(p.x)).quantize(tenth, ROUND_HALF_UP)), p.y, p.label) for p in chart.points
    ]
    return _key(chart.title, chart.polyline, chart.first, chart.last, rounded)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The network's skills map, its score explained, the score over time and the sessions.

    Its parts are kept until the next change (`derived.kept`), keyed by what they depend on
    besides the network's data: the demand window; above the map, whether the viewer is the
    coordinator and their organisations; the map's table, the filter and the page. The score
    over time ends now: drawn again, kept under what it shows. The filter's form and the pager
    (links with the request's query string) are drawn for each request."""
    if refused := _not_allowed(request, "GET"):
        return refused
    moment = now()
    whole, version = selectors.network_skills_versioned(moment)
    skills = whole.map
    coordinator = is_coordinator(request.user)
    mine = selectors.organisations_of(request.user)
    viewer = f"{int(coordinator)}:{','.join(str(o.pk) for o in mine)}"
    top, middle, points = derived.kept(
        f"skills:overview:{version}:{viewer}",
        lambda: _overview_parts(request.user, skills, coordinator, mine),
    )
    history_chart = charts.score_chart(
        points, "The network's demand at risk over time", (moment, skills.score)
    )
    history = derived.kept(
        f"skills:history:{version}:{_drawn(history_chart)}",
        lambda: render_to_string(
            "mentoring/_overview_history.html", {"history_chart": history_chart}
        ),
    )
    query, show = choice(request, "demanded")
    chosen = f"{version}:{show}:{_key(query)}"
    count = derived.kept(
        f"skills:count:{chosen}", lambda: len(chosen_rows(skills.skills, query, show))
    )
    table = counted_table(request, count, query, show)
    table_html = derived.kept(
        f"skills:table:{chosen}:{table.page.number}",
        lambda: _fragment(
            "mentoring/_overview_table.html",
            {"table": skill_table(request, skills.skills, default="demanded")},
        ),
    )
    context = {
        "map": skills,
        # parts rendered by the template engine (`_overview_parts`, `_fragment`)
        "top": mark_safe(top),
        "history": mark_safe(history),
        "middle": mark_safe(middle),
        "table": table,
        "table_html": table_html,
        "min_organisations": selectors.MIN_ORGANISATIONS_FOR_HOURS,
        "min_posters": selectors.MIN_ORGANISATIONS_FOR_DEMAND,
    }
    return render(request, "mentoring/overview.html", context)


def _plan_page(
    request: HttpRequest, form: PlanForm | None = None, status: int = 200
) -> HttpResponse:
    plan = selectors.latest_plan()
    pairings = selectors.plan_pairings(request.user, plan) if plan else Pairing.objects.none()
    coordinator = is_coordinator(request.user)
    context = {
        "plan": plan,
        "pairings": pairings,
        "is_coordinator": coordinator,
        "form": form or (PlanForm() if coordinator else None),
        "admin_orgs": admin_organisations(request),
        **_plan_context(plan),
    }
    return render(request, "mentoring/plan.html", context, status=status)


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The current plan: all pairings for the coordinator, one's own organisations' for others."""
    if refused := _not_allowed(request, "GET"):
        return refused
    return _plan_page(request)


@login_required
def plan_compute(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := _not_allowed(request, "POST"):
        return refused
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            computed = services.plan_compute(
                actor=request.user, session_hours=form.cleaned_data["session_hours"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            message = PLAN_COMPUTED.format(
                count=computed.pairings.count(),
                before=charts.percent(computed.score_before),
                after=charts.percent(computed.score_after),
            )
            messages.success(request, message)
            return redirect("mentoring:plan")
    return _plan_page(request, form=form, status=400)


@login_required
def pairing(request: HttpRequest, pk: int) -> HttpResponse:
    """One pairing and its sessions: the two organisations involved and the coordinator."""
    found = selectors.pairing_for_user(request.user, pk)
    if refused := _not_allowed(request, "GET"):
        return refused
    context = {
        "pairing": found,
        "sessions": found.sessions.select_related("skill").order_by("date", "pk"),
        "admin_orgs": admin_organisations(request),
    }
    return render(request, "mentoring/pairing.html", context)


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe and target.startswith("/skills/") else default


@login_required
def pairing_decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.pairing_for_user(request.user, pk)
    if refused := _not_allowed(request, "POST"):
        return refused
    form = DecisionForm(request.POST)
    back = _next(request, f"/skills/pairings/{found.pk}/")
    if not form.is_valid():
        messages.error(request, "Choose Accept or Decline.")
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.pairing_decide(actor=request.user, pairing_id=found.pk, accept=accept)
    except ValidationError as error:
        context = {
            "pairing": found,
            "sessions": found.sessions.select_related("skill").order_by("date", "pk"),
            "admin_orgs": admin_organisations(request),
            "errors": error.messages,
        }
        return render(request, "mentoring/pairing.html", context, status=400)
    decision = "accepted" if accept else "declined"
    message = DECIDED.format(
        decision=decision, mentor=found.mentor, learner=found.learner, skill=found.skill
    )
    messages.success(request, message)
    return redirect(back)
