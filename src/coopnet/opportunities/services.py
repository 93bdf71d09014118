"""Writes. Each takes the acting user, finds the object through a selector (404 for whoever may
not see it), checks the actor's role (403 for a member who is not an admin), validates all its
input before saving anything, and runs in one transaction.

The formation itself runs in a background task (`tasks.formation_run`, the work of
`formation.formation_execute`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coopnet.common import audit
from coopnet.common.access import User, account, is_coordinator
from coopnet.common.amounts import REQUIRED, parse_text
from coopnet.directory.models import COMMISSION_TERMS, FINDER_TERMS, Organisation
from coopnet.directory.selectors import is_admin, network_settings, organisation_for_member
from coopnet.opportunities import endings, notices, rules, selectors
from coopnet.opportunities.formation import STOPPED, progress
from coopnet.opportunities.models import (
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
    Requirement,
)
from coopnet.opportunities.rules import parse_date, parse_requirements, parse_value_and_deadline
from coopnet.opportunities.signals import consortium_formed, demand_changed
from coopnet.opportunities.tasks import formation_run, proposals_lapse_due

# the input's messages, checked by `rules`, under the names the tests and forms know them by
NOT_ADMIN, NO_REQUIREMENTS, MAX_REQUIREMENTS = (
    rules.NOT_ADMIN,
    rules.NO_REQUIREMENTS,
    rules.MAX_REQUIREMENTS,
)
BAD_MONEY, BAD_HOURS, BAD_DATE, BAD_LEVEL = (
    rules.BAD_MONEY,
    rules.BAD_HOURS,
    rules.BAD_DATE,
    rules.BAD_LEVEL,
)
PAST_DEADLINE, TOO_MANY_REQUIREMENTS, UNKNOWN_SKILL = (
    rules.PAST_DEADLINE,
    rules.TOO_MANY_REQUIREMENTS,
    rules.UNKNOWN_SKILL,
)
NOT_PARTNER_ADMIN = "Only an admin of a partner organisation can accept or decline its share."
CANNOT_START = "A consortium cannot be formed now: the opportunity is {status}."
ALREADY_DECIDED = "Your organisation has already decided on this proposal."
CLOSED = "This proposal is no longer open for decisions."
BAD_DECIDE_BY = "A decision deadline as YYYY-MM-DD, today or later (got {value!r})."
NO_REASON = "Say why your organisation declines: the poster reads the reason."
#: the longest reason for a decline
REASON_LENGTH = 500


def _freeze_terms(
    opportunity: Opportunity, poster: Organisation, *, found_by_network: bool
) -> None:
    """Copy the network's commission policy and finder's fee onto a new opportunity as they
    are now, so that later changes to the settings do not change what it was posted with. No
    commission when the poster is exempt or within its commission-free contracts
    (`selectors.commission_free`). The poster is the finder: it brought the client; unless
    the network found the client itself (its front door): then there is no finder
    organisation, and no finder's fee leaves the network (it keeps its commission only)."""
    terms = network_settings()
    if not selectors.commission_free(poster, terms):
        for name in COMMISSION_TERMS:
            setattr(opportunity, name, getattr(terms, name))
    for name in FINDER_TERMS:
        setattr(opportunity, name, getattr(terms, name))
    opportunity.finder = None if found_by_network else poster


def _poster(actor: User, organisation_slug: str, *, found_by_network: bool) -> Organisation:
    """The posting organisation: one `actor` administers (404 outside it, 403 for a member);
    for a client the network found, the coordinator may post for any organisation."""
    if found_by_network and is_coordinator(actor):
        return get_object_or_404(Organisation, slug=organisation_slug)
    organisation = organisation_for_member(actor, organisation_slug)  # 404 for outsiders
    if not is_admin(actor, organisation):
        raise PermissionDenied(NOT_ADMIN)
    return organisation


@transaction.atomic
def opportunity_create(
    *,
    actor: User,
    organisation_slug: str,
    title: str,
    value: Any,
    deadline: Any,
    requirements: list[dict[str, Any]],
    client: str = "",
    description: str = "",
    found_by_network: bool = False,
) -> Opportunity:
    """Post an opportunity for `organisation_slug`, of which `actor` must be an admin (or,
    when `found_by_network`, the coordinator). `found_by_network`: the client came through
    the network's front door, so the opportunity has no finder organisation (`_freeze_terms`).

    >>> opportunity_create(actor=alice, organisation_slug="outlier", title="Booking system",
    ...     value="12000", deadline="2031-03-31",
    ...     requirements=[{"skill": "elixir", "min_level": 4, "hours": "40"}])  # doctest: +SKIP
    """
    organisation = _poster(actor, organisation_slug, found_by_network=found_by_network)
    errors: dict[str, str] = {}
    opportunity = Opportunity(
        posted_by=organisation,
        title=parse_text(errors, "title", title, 200, required=True),
        client=parse_text(errors, "client", client, 200, required=False),
        description=parse_text(errors, "description", description, 10_000, required=False),
    )
    _freeze_terms(opportunity, organisation, found_by_network=found_by_network)
    opportunity.value, opportunity.deadline = parse_value_and_deadline(errors, value, deadline)
    wanted = parse_requirements(errors, requirements)
    if errors:
        raise ValidationError(errors)
    opportunity.full_clean()
    opportunity.save()
    for requirement in wanted:
        requirement.opportunity = opportunity
    Requirement.objects.bulk_create(wanted)
    demand_changed.send(sender=Requirement)
    return opportunity


@transaction.atomic
def formation_start(*, actor: User, opportunity_id: int, decide_by: Any = None) -> FormationRun:
    """Queue the search for a consortium; poll the returned run for its progress. With
    `decide_by` (a date, today or later), its proposals lapse if still pending after it."""
    selectors.opportunity_for_user(actor, opportunity_id)  # 404 for outsiders
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    if not selectors.formation_can_start(opportunity):
        raise ValidationError(CANNOT_START.format(status=opportunity.get_status_display().lower()))
    last_day = None if decide_by in (None, "") else parse_date(decide_by)
    if decide_by not in (None, "") and (last_day is None or last_day < timezone.localdate()):
        raise ValidationError({"decide_by": BAD_DECIDE_BY.format(value=decide_by)})
    for stale in opportunity.runs.filter(status__in=[FormationRun.QUEUED, FormationRun.RUNNING]):
        if stale.is_stale:
            progress(stale, stale.progress, STOPPED, status=FormationRun.FAILED,
                      finished=timezone.now())  # fmt: skip
    run = FormationRun.objects.create(
        opportunity=opportunity, started_by=account(actor), decide_by=last_day
    )
    opportunity.status = Opportunity.FORMING
    opportunity.save(update_fields=["status"])
    if last_day is not None:
        _lapse_after(opportunity.pk, last_day)
    result = formation_run.enqueue(run_id=run.pk)
    # an immediate backend has already run the task: update only the id, keep its outcome
    FormationRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def _lapse_after(opportunity_id: int, last_day: dt.date) -> None:
    """Queue the job that lapses what is still pending after `last_day`, for the first moment
    of the next day, once the transaction commits (where the queue can wait: the worker's;
    else the page's read and `coopnet opportunities lapse` do it)."""
    if not proposals_lapse_due.get_backend().supports_defer:
        return
    next_day = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
    when = timezone.make_aware(next_day)
    job = proposals_lapse_due.using(run_after=when)
    transaction.on_commit(lambda: job.enqueue(opportunity_id=opportunity_id))


@transaction.atomic
def proposal_decide(*, actor: User, proposal_id: int, accept: bool, reason: str = "") -> Proposal:
    """Accept or decline a proposal for the partner organisation(s) `actor` administers; a
    decline needs a `reason`, which the poster reads. When every partner has accepted, the
    consortium is formed; one decline ends it. The poster and the other partners are told."""
    selectors.proposal_for_user(actor, proposal_id)  # 404 for whoever may not see it
    locked = Proposal.objects.select_for_update().select_related("opportunity__posted_by")
    proposal = locked.get(pk=proposal_id)
    rows = [
        p
        for p in proposal.partners.select_related("organisation")
        if is_admin(actor, p.organisation)
    ]
    if not rows:
        raise PermissionDenied(NOT_PARTNER_ADMIN)
    if proposal.status != Proposal.PROPOSED or proposal.opportunity.status != Opportunity.PROPOSED:
        raise ValidationError(CLOSED)
    if any(row.decision != ProposalPartner.PENDING for row in rows):
        raise ValidationError(ALREADY_DECIDED)
    errors: dict[str, str] = {}
    reason = "" if accept else parse_text(errors, "reason", reason, REASON_LENGTH, required=True)
    if errors:
        raise ValidationError(
            {"reason": NO_REASON if errors["reason"] == REQUIRED else errors["reason"]}
        )
    decision = ProposalPartner.ACCEPTED if accept else ProposalPartner.DECLINED
    for row in rows:
        row.decision, row.decided_by, row.decided_at = decision, account(actor), timezone.now()
        row.decline_reason = reason
        row.save(update_fields=["decision", "decided_by", "decided_at", "decline_reason"])
        verb = "Accepted" if accept else "Declined"
        audit.record(
            actor=actor,
            action=f"proposal.{decision}",
            obj=proposal,
            organisation=row.organisation_id,
            summary=f"{verb} the proposal for {proposal.opportunity.title}",
        )
    if not accept:
        proposal.status = Proposal.DECLINED
        proposal.save(update_fields=["status"])
        endings.settle(proposal.opportunity)
    elif not proposal.partners.exclude(decision=ProposalPartner.ACCEPTED).exists():
        proposal.status = Proposal.FORMED
        proposal.opportunity.status = Opportunity.FORMED
        proposal.opportunity.save(update_fields=["status"])
    proposal.save(update_fields=["status"])
    notices.decision_made(proposal, rows, accept, reason, actor=actor)
    if proposal.status == Proposal.FORMED:
        _supersede_the_others(proposal)
        consortium_formed.send(sender=Proposal, proposal=proposal)
        notices.consortium_formed(proposal)
    return proposal


def _supersede_the_others(formed: Proposal) -> None:
    """Close the opportunity's other open proposals: another consortium has formed for it."""
    others = Proposal.objects.filter(opportunity=formed.opportunity, status=Proposal.PROPOSED)
    others = others.exclude(pk=formed.pk).select_related("opportunity__posted_by")
    formed_partners = set(formed.partners.values_list("organisation_id", flat=True))
    for other in others:
        notices.proposal_ended(other, notices.SUPERSEDED_WHY, leave_out=formed_partners)
    others.update(status=Proposal.SUPERSEDED)
    demand_changed.send(sender=Proposal)  # an update sends no model signal


@transaction.atomic
def opportunity_title_consent(*, actor: User, opportunity_id: int, public: bool) -> Opportunity:
    """Give or withdraw the poster's consent to show the opportunity's title on its partners'
    public profiles once a consortium is formed: the poster's admins only (404 for whoever
    may not see the opportunity, 403 for anyone else who may)."""
    opportunity = selectors.opportunity_for_user(actor, opportunity_id)
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    opportunity.title_public = public
    opportunity.save(update_fields=["title_public"])
    return opportunity
