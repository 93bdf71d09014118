"""The opportunity pages. Each view starts from a selector that 404s for anyone who may not see
the opportunity (so outsiders cannot learn what exists); the services check roles (403 for a
member who is not an admin) and do the work. What a partner may see is what the selectors
return: proposals carry payouts and assignments, never a rate, a capacity or a cost; a
partner's own members alone see its payout as its own work's cost plus its surplus share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from coopnet.common import derived
from coopnet.common.access import User
from coopnet.common.charts import bar_length, chart_height, row_y
from coopnet.common.errors import apply_errors
from coopnet.common.explanations import off_the_top
from coopnet.common.http import not_allowed
from coopnet.common.money import network_money
from coopnet.common.once import accepted_once
from coopnet.directory.models import NetworkSettings, Organisation
from coopnet.directory.selectors import (
    admin_memberships,
    network_settings,
    organisation_for_member,
)
from coopnet.opportunities import lifecycle, records, selectors, services
from coopnet.opportunities.forms import (
    MAX_ROWS,
    BaseRequirementFormSet,
    DecisionForm,
    OpportunityForm,
    requirement_formset,
    requirement_formset_grown,
)
from coopnet.opportunities.models import (
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
)
from coopnet.opportunities.payouts import PartnerPayout, payouts_of

T = TypeVar("T")

BAD_DECISION = "Choose Accept or Decline."
POSTED = "“{title}” was posted. Find the consortium when you are ready."
ACCEPTED = "You accepted your organisation's share of this consortium."
DECLINED = "You declined this consortium."
TITLE_PUBLIC = "Once formed, its partners' public profiles show this opportunity's title."
TITLE_PRIVATE = "Its partners' public profiles do not show this opportunity's title."


# -- access ---------------------------------------------------------------------------------


def _admin_organisations(user: User) -> list[Organisation]:
    return [m.organisation for m in admin_memberships(user)]


def _check_posting_for(request: HttpRequest, organisations: list[Organisation]) -> None:
    """404 for posting as an organisation the user is not in, 403 for one they are a member
    but not an admin of: the same answers the service gives."""
    slug = request.POST.get("organisation")
    if slug and slug not in {o.slug for o in organisations}:
        organisation_for_member(request.user, slug)
        raise PermissionDenied(services.NOT_ADMIN)
    if not organisations:
        raise PermissionDenied(services.NOT_ADMIN)


# -- the list and the form ------------------------------------------------------------------


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    if refused := not_allowed(request, "GET"):
        return refused
    rights = selectors.rights(request.user)
    context = {
        # the same for every viewer who is a member of the same organisations
        "table": mark_safe(_kept("list", request.user, rights, lambda: _list_table(request.user))),
        "can_post": bool(rights.admin),
    }
    return render(request, "opportunities/list.html", context)


class _RightsChanged(Exception):
    """The viewer's rights changed while their page was computed."""


def _kept(page: str, user: User, rights: selectors.Rights, compute: Callable[[], T]) -> T:
    """What `compute()` gives `user`, kept for the viewers with the same `rights` (read at the
    start of the request) until the network changes. `compute` reads `user`'s rights again:
    if they changed meanwhile, what it gives is shown to `user` alone, and kept for no one."""

    def checked() -> T:
        found = compute()
        if selectors.rights(user) != rights:
            raise _RightsChanged  # nothing is kept
        return found

    try:
        return derived.kept(f"opportunities:{page}:{rights.key}", checked)
    except _RightsChanged:
        return compute()


def _list_table(user: User) -> str:
    """The table of the opportunities `user` may see (empty when there are none): what it shows
    depends on the organisations `user` is a member of, and the network's data."""
    opportunities = selectors.listed_opportunities(user)
    if not opportunities:
        return ""
    context = {
        "opportunities": opportunities,
        "own": selectors.rights(user).member,
        "values_shown": network_settings().partner_view != NetworkSettings.OWN_ONLY,
    }
    return str(render_to_string("opportunities/_list_table.html", context))


def apply_opportunity_errors(
    error: ValidationError, form: Form, formset: BaseRequirementFormSet
) -> None:
    """Show a service's ValidationError on the fields it names: `requirements[2].hours` is
    the hours of the third requirement row that was filled in."""
    rows = formset.filled()

    def on_requirement(field: str, message: str) -> bool:
        if field.startswith("requirements["):
            index, _, row_field = field.removeprefix("requirements[").partition("].")
            rows[int(index)].add_error(row_field or None, message)
        elif field == "requirements":
            formset._non_form_errors.append(message)  # type: ignore[attr-defined]
        else:
            return False
        return True

    apply_errors(error, form, route=on_requirement)


@login_required
@accepted_once
def opportunity_create(request: HttpRequest) -> HttpResponse:
    organisations = _admin_organisations(request.user)
    _check_posting_for(request, organisations)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    if "add_row" in request.POST:  # one more row; nothing is checked or saved yet
        typed = {name: request.POST.get(name, "") for name in OpportunityForm.base_fields}
        form = OpportunityForm(initial=typed, organisations=organisations)
        grown = requirement_formset_grown(request.POST)
        return render(request, "opportunities/form.html", _form_context(form, grown))
    form = OpportunityForm(request.POST or None, organisations=organisations)
    formset = requirement_formset(request.POST or None)
    # all([...]) validates both, so that every field's error shows at once
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(
                actor=request.user,
                organisation_slug=data["organisation"],
                title=data["title"],
                client=data["client"],
                description=data["description"],
                value=str(data["value"]),  # as typed, for its error message
                deadline=data["deadline"],
                requirements=formset.requirements(),
            )
        except ValidationError as error:
            apply_opportunity_errors(error, form, formset)
        else:
            messages.success(request, POSTED.format(title=opportunity.title))
            return redirect("opportunities:detail", opportunity_id=opportunity.pk)
    status = 400 if request.method == "POST" else 200
    context = _form_context(form, formset)
    return render(request, "opportunities/form.html", context, status=status)


def _form_context(form: OpportunityForm, formset: BaseRequirementFormSet) -> dict[str, Any]:
    return {"form": form, "formset": formset, "max_rows": MAX_ROWS}


# -- an opportunity and its proposals -------------------------------------------------------


@dataclass
class Bar:
    label: str
    amount: Decimal
    kind: str
    x: int = 0
    y: int = 0
    width: int = 0
    #: where its label is written: beside the bar (wide) or above it (narrow)
    label_x: int = 0
    label_y: int = 0


@dataclass
class Chart:
    """A waterfall of the split, from the client's value through the commission and the
    finder's fee (taken off the top) to each partner's payout; drawn as inline SVG by the
    template. `narrow` lays it out for a phone: each label above its bar, on the whole width,
    so that its text stays at its own size instead of shrinking with a wide drawing."""

    bars: list[Bar]
    narrow: bool = False
    width: int = field(init=False)
    label_width: int = field(init=False)
    bar_area: int = field(init=False)
    row: int = field(init=False)
    bar_height: int = 22
    height: int = field(init=False)
    #: the longest label written whole (longer ones end in "…")
    label_chars: int = field(init=False)

    def __post_init__(self) -> None:
        self.label_chars = 44 if self.narrow else 26
        if self.narrow:  # label above the bar; the amount after it
            self.width, self.label_width, self.bar_area, self.row = 300, 0, 210, 52
        else:
            self.width, self.label_width, self.bar_area, self.row = 680, 190, 380, 34
        label_above = 18 if self.narrow else 0
        self.height = chart_height(len(self.bars), self.row)
        top = max((bar.amount for bar in self.bars if bar.kind == "total"), default=Decimal(0))
        remaining = top
        for n, bar in enumerate(self.bars):
            start = Decimal(0) if bar.kind == "total" else remaining - bar.amount
            remaining = top if bar.kind == "total" else start
            bar.x = self.label_width + bar_length(start, top, self.bar_area, least=0)
            bar.width = bar_length(bar.amount, top, self.bar_area)
            bar.y = row_y(n, self.row) + label_above
            bar.label_x = 0 if self.narrow else self.label_width - 8
            bar.label_y = bar.y - 5 if self.narrow else bar.y + 16


def _charts(opportunity: Opportunity, partners: list[ProposalPartner]) -> tuple[Chart, Chart]:
    """The split's waterfall laid out for a wide screen, and for a phone."""
    return _chart(opportunity, partners), _chart(opportunity, partners, narrow=True)


def _chart(
    opportunity: Opportunity, partners: list[ProposalPartner], *, narrow: bool = False
) -> Chart:
    bars = [Bar("Client value", opportunity.value, "total")]
    if commission := opportunity.commission_amount:
        bars.append(Bar("Network commission", commission, "commission"))
    if (finder := opportunity.finder_amount) and opportunity.finder is not None:
        bars.append(Bar(f"Finder: {opportunity.finder.name}", finder, "finder"))
    bars += [Bar(p.organisation.name, p.payout, "payout") for p in partners]
    return Chart(bars, narrow)


@dataclass
class ProposalView:
    proposal: Proposal
    partners: list[ProposalPartner]
    #: each partner's payout and why; with its parts for the user's own organisations only
    payouts: list[PartnerPayout]
    #: the rows of its table of who does what, in HTML
    assignments: str
    #: the partner rows of the organisations the user administers
    mine: list[ProposalPartner]
    can_decide: bool
    #: the split's waterfall, wide and narrow; None unless the user may read the value and
    #: every payout
    charts: tuple[Chart, Chart] | None
    #: the best proposal of the latest search (`selectors.best_proposal`)
    best: bool = False

    @property
    def hides_others(self) -> bool:
        """Are some partners' payouts or added values kept from the user?"""
        return any(p.added_value is None for p in self.payouts)

    @property
    def own(self) -> list[PartnerPayout]:
        """The payouts of the user's own organisations, with what they are made of."""
        return [p for p in self.payouts if p.own is not None]


def _proposal_view(
    record: records.OpportunityRecord,
    found: records.ProposalRecord,
    rights: selectors.Rights,
    sees_value: bool,
    best: int | None = None,
) -> ProposalView:
    """`found` as the viewers with `rights` see it (they may read it: `ProposalRecord.seen_by`)."""
    proposal, partners = found.proposal, list(found.partners)
    mine = [p for p in partners if p.organisation_id in rights.admin]
    open_ = proposal.status == Proposal.PROPOSED
    open_ = open_ and record.opportunity.status == Opportunity.PROPOSED
    payouts = payouts_of(
        partners, proposal.recommended, rights.member, record.partner_view, record.skill_names
    )
    whole = sees_value and all(p.payout is not None for p in payouts)
    return ProposalView(
        proposal=proposal,
        partners=partners,
        payouts=payouts,
        assignments=found.assignments_html,
        mine=mine,
        can_decide=open_ and any(p.decision == ProposalPartner.PENDING for p in mine),
        charts=_charts(record.opportunity, partners) if whole else None,
        best=proposal.pk == best,
    )


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _commission_terms(opportunity: Opportunity) -> str:
    """How the commission is reckoned, in the network's currency: "5% of the value", or the
    whole policy: the rate, plus the flat amount, at least the minimum, at most the maximum."""
    words = f"{_percent(opportunity.commission)} of the value"
    if opportunity.commission_flat:
        words += f" plus {network_money(opportunity.commission_flat)}"
    if opportunity.commission_min:
        words += f", at least {network_money(opportunity.commission_min)}"
    if opportunity.commission_max is not None:
        words += f", at most {network_money(opportunity.commission_max)}"
    return words


def _off_the_top(opportunity: Opportunity) -> str:
    """The commission and the finder's fee (when there is one) taken off the top, in words."""
    finder_amount = opportunity.finder_amount
    finder = opportunity.finder.name if finder_amount and opportunity.finder else None
    return off_the_top(
        opportunity.value, opportunity.commission_amount, finder_amount, finder, network_money
    )


@dataclass(frozen=True)
class KeptProposal:
    """A proposal as one viewer's rights show it: its article's HTML up to the viewer's
    decision (which holds a form, rendered for each request), and what that needs."""

    pk: int
    body: str
    can_decide: bool
    decide_url: str
    #: the viewer's organisations' names and decisions (in lower case) among its partners
    mine: tuple[tuple[str, str], ...]

    @property
    def html(self) -> str:
        return mark_safe(self.body)  # rendered by the template engine (`_proposal_page`)


@dataclass(frozen=True)
class KeptOpportunity:
    """An opportunity's page as the viewers with the same rights see it, without its forms:
    plain data and HTML rendered by the template engine, kept until the network changes."""

    pk: int
    title: str
    title_public: bool
    formation_url: str
    title_url: str
    #: the page from its first line to the details, in HTML
    head: str
    #: may a search start (for the poster's admins)? None while forming: once the last
    #: search is stale, which the view reads for each request
    startable: bool | None
    #: may its poster edit it (and withdraw or close it: `endable`)?
    editable: bool
    endable: bool
    #: the earliest decision deadline of its pending proposals (they lapse the day after)
    lapses_after: dt.date | None
    declined_partners: tuple[str, ...]
    proposals: tuple[KeptProposal, ...]
    #: the last formation run's fields, for the poster's members (its message counts the
    #: proposals), once the search is over: while forming, its progress is written as it
    #: goes, unannounced, and it is read for each request instead
    last_run: dict[str, Any] | None

    @property
    def run(self) -> FormationRun | None:
        return None if self.last_run is None else FormationRun(**self.last_run)

    @property
    def head_html(self) -> str:
        return mark_safe(self.head)  # rendered by the template engine (`_opportunity_page`)


def _proposal_page(view: ProposalView, first: bool) -> KeptProposal:
    body = render_to_string("opportunities/_proposal_body.html", {"view": view, "first": first})
    return KeptProposal(
        pk=view.proposal.pk,
        body=str(body),
        can_decide=view.can_decide,
        decide_url=reverse("opportunities:decide", args=[view.proposal.pk]),
        mine=tuple((p.organisation.name, p.get_decision_display().lower()) for p in view.mine),
    )


def _opportunity_page(user: User, opportunity_id: int) -> KeptOpportunity:
    """What `opportunity_detail` shows `user`, but for the forms and the formation run: it
    depends on `user`'s rights (`selectors.Rights`, read now) and the network's data only,
    read once for every viewer (`records.record`)."""
    rights = selectors.rights(user)
    record = records.record(opportunity_id)
    if record is None or not record.seen_by(rights.member):
        raise Http404("no such opportunity")
    opportunity, poster = record.opportunity, record.opportunity.posted_by_id
    sees_value = selectors.sees_value_as(rights.member, poster, record.partner_view)
    seen = [found for found in record.proposals if found.seen_by(rights.member, poster)]
    best = selectors.best_proposal(found.proposal for found in seen)
    views = [_proposal_view(record, found, rights, sees_value, best) for found in seen]
    pending = [
        p.proposal.decide_by
        for p in record.proposals
        if p.proposal.status == Proposal.PROPOSED and p.proposal.decide_by is not None
    ]
    head = render_to_string(
        "opportunities/_detail_head.html",
        {
            "opportunity": opportunity,
            "requirements": record.requirements_html,
            "sees_value": sees_value,
            "commission_amount": opportunity.commission_amount,
            # in words for those who read them alone
            "commission_terms": _commission_terms(opportunity) if sees_value else "",
            "off_the_top": _off_the_top(opportunity) if sees_value else "",
            "formed": next((v for v in views if v.proposal.status == Proposal.FORMED), None),
        },
    )
    return KeptOpportunity(
        pk=opportunity.pk,
        title=opportunity.title,
        title_public=opportunity.title_public,
        formation_url=reverse("opportunities:formation", args=[opportunity.pk]),
        title_url=reverse("opportunities:title", args=[opportunity.pk]),
        head=str(head),
        # while forming, it depends on the last search, read for each request
        startable=record.startable,
        editable=opportunity.status in Opportunity.EDITABLE,
        endable=opportunity.status in Opportunity.EDITABLE | {Opportunity.PROPOSED},
        lapses_after=min(pending, default=None),
        declined_partners=record.declined if poster in rights.admin else (),
        proposals=tuple(_proposal_page(view, n == 0) for n, view in enumerate(views)),
        # its message counts the proposals: for the poster's members only
        last_run=record.last_run if poster in rights.member else None,
    )


@login_required
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    # who may see it is checked for every request, against the data as it is now
    rights, poster = selectors.rights_and_poster(request.user, opportunity_id)
    if poster is None:
        raise Http404("no such opportunity")
    if refused := not_allowed(request, "GET"):
        return refused
    page = _kept(
        f"detail:{opportunity_id}",
        request.user,
        rights,
        lambda: _opportunity_page(request.user, opportunity_id),
    )
    if page.lapses_after is not None and page.lapses_after < timezone.localdate():
        lifecycle.proposals_lapse(opportunity_id=opportunity_id)  # checked when read
        return redirect("opportunities:detail", opportunity_id=opportunity_id)
    is_poster_admin = poster in rights.admin
    startable, run = page.startable, page.run
    if startable is None:  # forming: only once the last search's worker died
        # the run's message counts the proposals: the poster's members alone read it
        runs = FormationRun.objects.filter(opportunity_id=opportunity_id)
        run = runs.first() if poster in rights.member else None
        startable = run is None or run.is_stale
    context = {
        "page": page,
        "run": run,
        "is_poster_admin": is_poster_admin,
        "may_start": is_poster_admin and startable,
        "today": timezone.localdate(),
    }
    return render(request, "opportunities/detail.html", context)


@login_required
def formation_start(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    selectors.opportunity_for_user(request.user, opportunity_id)
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        services.formation_start(
            actor=request.user,
            opportunity_id=opportunity_id,
            decide_by=request.POST.get("decide_by") or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("opportunities:detail", opportunity_id=opportunity_id)


@login_required
def title_consent(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """The poster's consent to show the title on the partners' profiles (a checkbox)."""
    selectors.opportunity_for_user(request.user, opportunity_id)
    if refused := not_allowed(request, "POST"):
        return refused
    public = request.POST.get("title_public") == "on"
    services.opportunity_title_consent(
        actor=request.user, opportunity_id=opportunity_id, public=public
    )
    messages.success(request, TITLE_PUBLIC if public else TITLE_PRIVATE)
    return redirect("opportunities:detail", opportunity_id=opportunity_id)


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress bar alone, for htmx to poll; once the run has finished, htmx reloads the
    page so that the proposals (or the reason there are none) show."""
    run = selectors.run_for_user(request.user, run_id)
    if refused := not_allowed(request, "GET"):
        return refused
    response = render(request, "opportunities/_progress.html", {"run": run})
    if not run.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    add_never_cache_headers(response)
    return response


@login_required
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_for_user(request.user, proposal_id)
    if refused := not_allowed(request, "POST"):
        return refused
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(BAD_DECISION)
    try:
        services.proposal_decide(
            actor=request.user,
            proposal_id=proposal.pk,
            accept=form.accept(),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ACCEPTED if form.accept() else DECLINED)
    url = reverse("opportunities:detail", kwargs={"opportunity_id": proposal.opportunity_id})
    return redirect(f"{url}#proposal-{proposal.pk}")
