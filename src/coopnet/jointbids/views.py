"""The joint bids' pages. Each view starts from a selector that 404s for whoever may not see its
object; the services check roles (403) and do the work. Before every member has agreed, no page
names another organisation or shows a figure of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.directory.selectors import is_admin
from coopnet.jointbids import selectors, services
from coopnet.jointbids.forms import AnswerForm, PursuitForm
from coopnet.jointbids.models import JointBid

SAVED = "Saved: this opportunity is now matched on them too."
PROPOSED = "You proposed a joint bid. The others are asked, without being told who asks."
AGREED = "You agreed to the joint bid."
DECLINED = "You declined the joint bid."
BAD_ANSWER = "Choose Agree or Decline."


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """The viewer's organisations' opportunities still pursued, and their joint bids."""
    context = {
        "pursuits": selectors.listed_pursuits(request.user),
        "joint_bids": selectors.joint_bids_for_user(request.user),
    }
    return render(request, "jointbids/overview.html", context)


@login_required
def pursuit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """An opportunity's client as matched (its poster's members), and its joint bids."""
    view = selectors.pursuit_view(request.user, opportunity_id)  # 404 for everyone else
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    admin = is_admin(request.user, view.opportunity.posted_by)
    if request.method == "POST" and not admin:
        raise PermissionDenied(services.NOT_ADMIN)
    initial = {"website": view.pursuit.website, "tender_reference": view.pursuit.tender_reference}
    form = PursuitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.pursuit_update(actor=request.user, opportunity_id=opportunity_id,
                                    **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, SAVED)
            return redirect("jointbids:pursuit", opportunity_id=opportunity_id)
    context = {
        "view": view,
        "form": form,
        "is_admin": admin,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "jointbids/pursuit.html", context, status=status)


@login_required
def propose(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    selectors.opportunity_for_poster(request.user, opportunity_id)  # 404 for everyone else
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        bid = services.joint_bid_propose(actor=request.user, opportunity_id=opportunity_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("jointbids:pursuit", opportunity_id=opportunity_id)
    messages.success(request, PROPOSED)
    return redirect("jointbids:detail", joint_bid_id=bid.pk)


@login_required
def detail(request: HttpRequest, joint_bid_id: int) -> HttpResponse:
    bid = selectors.joint_bid_for_user(request.user, joint_bid_id)  # 404 for everyone else
    if refused := not_allowed(request, "GET"):
        return refused
    rows = selectors.own_rows(request.user, bid)
    context = {
        "bid": bid,
        "own_rows": rows,
        "can_answer": bid.status == JointBid.OPEN
        and any(r.answer == r.PENDING and is_admin(request.user, r.organisation) for r in rows),
        "proposer_is_mine": any(r.organisation_id == bid.proposer_id for r in rows),
        "side_by_side": selectors.side_by_side(request.user, bid),
        "joint_opportunity": bid.opportunity,
    }
    return render(request, "jointbids/detail.html", context)


@login_required
def answer(request: HttpRequest, joint_bid_id: int) -> HttpResponse:
    bid = selectors.joint_bid_for_user(request.user, joint_bid_id)  # 404 for everyone else
    if refused := not_allowed(request, "POST"):
        return refused
    if not any(
        is_admin(request.user, r.organisation) for r in selectors.own_rows(request.user, bid)
    ):
        raise PermissionDenied(services.NOT_MEMBER_ADMIN)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponse(BAD_ANSWER, status=400, content_type="text/plain")
    agree = form.cleaned_data["answer"] == "agree"
    try:
        bid = services.joint_bid_answer(actor=request.user, joint_bid_id=joint_bid_id, agree=agree)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if bid.status == JointBid.CLOSED:
            messages.error(request, services.GONE)
        else:
            messages.success(request, AGREED if agree else DECLINED)
    return redirect("jointbids:detail", joint_bid_id=joint_bid_id)
