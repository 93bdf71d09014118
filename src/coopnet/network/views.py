"""The network coordinator's pages. Each view starts with `coordinator_or_404`, so that anyone
else gets 404 whatever the method (the pages are not theirs to see, nor to know of); the
selectors and services do the work."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.common.access import coordinator_or_404
from coopnet.common.charts import bar_length, chart_height, row_y
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed, site_url
from coopnet.common.once import accepted_once
from coopnet.network import selectors, services
from coopnet.network.forms import POLICY_FIELDS, AdmitForm, PolicyForm, policy_initial
from coopnet.network.selectors import SkillCoverage

CHART_SKILLS = 15
COMMISSION_SET = "The commission is now {percent}% for opportunities posted from now on."
ADMITTED = "{organisation} was admitted; an invitation was sent to {email}."


# -- the skills chart -----------------------------------------------------------------------


@dataclass
class SkillBar:
    label: str
    people: int
    experts: int
    y: int = 0
    width: int = 0
    experts_width: int = 0


@dataclass
class CoverageChart:
    """The most-held skills as horizontal bars: everyone who holds the skill, and over it the
    people at level 3 or above (the bus factor). Drawn as inline SVG by the template."""

    bars: list[SkillBar]
    width: int = 680
    label_width: int = 190
    bar_area: int = 400
    row: int = 26
    bar_height: int = 18
    height: int = field(init=False)

    def __post_init__(self) -> None:
        self.height = chart_height(len(self.bars), self.row)
        top = max((bar.people for bar in self.bars), default=0)
        for n, bar in enumerate(self.bars):
            bar.width = bar_length(bar.people, top, self.bar_area)
            bar.experts_width = bar_length(bar.experts, top, self.bar_area, least=0)
            bar.y = row_y(n, self.row)


def _chart(coverage: list[SkillCoverage]) -> CoverageChart:
    return CoverageChart([SkillBar(s.name, s.people, s.experts) for s in coverage[:CHART_SKILLS]])


# -- the pages ------------------------------------------------------------------------------


def _percent(rate: Decimal) -> str:
    """0.05 as "5", 0.125 as "12.5": the rate as a percentage, without trailing zeros."""
    return f"{(rate * 100).normalize():f}"


def _dashboard(
    request: HttpRequest,
    commission_form: PolicyForm | None = None,
    admit_form: AdmitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    summary = selectors.network_summary(request.user)
    percent = _percent(summary.commission)
    context = {
        "summary": summary,
        "commission_percent": percent,
        "chart": _chart(summary.coverage),
        "commission_form": commission_form
        or PolicyForm(initial=policy_initial(selectors.network_policy(request.user), percent)),
        "admit_form": admit_form or AdmitForm(),
    }
    return render(request, "network/dashboard.html", context, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The network as a whole, the commission and admitting organisations."""
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "GET"):
        return refused
    return _dashboard(request)


@login_required
def commission(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "POST"):
        return refused
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            services.network_commission_policy_set(actor=request.user, **form.policy())
        except ValidationError as error:
            apply_errors(error, form, renamed=POLICY_FIELDS)
        else:
            percent = _percent(form.fraction())
            messages.success(request, COMMISSION_SET.format(percent=percent))
            return redirect("network:dashboard")
    return _dashboard(request, commission_form=form, status=400)


@login_required
@accepted_once
def admit(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "POST"):
        return refused
    form = AdmitForm(request.POST)
    if form.is_valid():
        try:
            admission = services.organisation_admit(
                actor=request.user, site_url=site_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            name, email = admission.organisation.name, admission.admin.email
            messages.success(request, ADMITTED.format(organisation=name, email=email))
            return redirect("network:dashboard")
    return _dashboard(request, admit_form=form, status=400)
