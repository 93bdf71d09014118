"""An opportunity's life before formation: its poster's admins edit it (while no proposal is
pending, no search runs and no consortium is formed), withdraw or close it (its pending
proposals end, their partners told); a proposal still pending after its decision deadline
lapses, checked when the opportunity is read, by the job queued for the day after the deadline
(`tasks.proposals_lapse_due`) and by `coopnet opportunities lapse` (cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coopnet.common import audit
from coopnet.common.access import User
from coopnet.common.amounts import parse_text
from coopnet.directory.selectors import is_admin
from coopnet.opportunities import endings, notices, selectors
from coopnet.opportunities.models import Opportunity, Proposal, Requirement
from coopnet.opportunities.rules import NOT_ADMIN, parse_requirements, parse_value_and_deadline
from coopnet.opportunities.signals import demand_changed

CANNOT_EDIT = (
    "The opportunity cannot be edited now: it is {status}. Edit it before a search, or once "
    "every proposal was declined or lapsed."
)
CANNOT_END = "The opportunity cannot be {verb} now: it is {status}."


def _posters(actor: User, opportunity_id: int) -> Opportunity:
    """The opportunity, locked, if `actor` administers its poster (404 for outsiders, 403 for
    anyone else who may see it)."""
    selectors.opportunity_for_user(actor, opportunity_id)
    locked = Opportunity.objects.select_for_update().select_related("posted_by")
    opportunity = locked.get(pk=opportunity_id)
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    return opportunity


def _status(opportunity: Opportunity) -> str:
    return opportunity.get_status_display().lower()


def may_edit(*, actor: User, opportunity: Opportunity) -> None:
    """Refuse (403) anyone but the poster's admins, and (400) an opportunity not editable now."""
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    if opportunity.status not in Opportunity.EDITABLE:
        raise ValidationError(CANNOT_EDIT.format(status=_status(opportunity)))


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity_id: int,
    title: str,
    value: Any,
    deadline: Any,
    requirements: list[dict[str, Any]],
    client: str = "",
    description: str = "",
) -> Opportunity:
    """Change what an opportunity asks for, all of it at once (as `opportunity_create` takes
    it). It is a draft again: its next search starts from what it asks now."""
    opportunity = _posters(actor, opportunity_id)
    may_edit(actor=actor, opportunity=opportunity)
    errors: dict[str, str] = {}
    opportunity.title = parse_text(errors, "title", title, 200, required=True)
    opportunity.client = parse_text(errors, "client", client, 200, required=False)
    opportunity.description = parse_text(errors, "description", description, 10_000,
                                         required=False)  # fmt: skip
    opportunity.value, opportunity.deadline = parse_value_and_deadline(errors, value, deadline)
    wanted = parse_requirements(errors, requirements)
    if errors:
        raise ValidationError(errors)
    opportunity.status = Opportunity.DRAFT
    opportunity.full_clean()
    opportunity.save()
    opportunity.requirements.all().delete()
    for requirement in wanted:
        requirement.opportunity = opportunity
    Requirement.objects.bulk_create(wanted)
    demand_changed.send(sender=Requirement)
    audit.record(actor=actor, action="opportunity.edited", obj=opportunity,
                 organisation=opportunity.posted_by_id,
                 summary=f"Edited opportunity #{opportunity.pk}")  # fmt: skip
    return opportunity


def _end(actor: User, opportunity_id: int, status: str, verb: str, why: str) -> Opportunity:
    opportunity = _posters(actor, opportunity_id)
    if opportunity.status not in Opportunity.EDITABLE | {Opportunity.PROPOSED}:
        raise ValidationError(CANNOT_END.format(verb=verb, status=_status(opportunity)))
    pending = opportunity.proposals.filter(status=Proposal.PROPOSED)
    endings.end(pending.select_related("opportunity__posted_by"), Proposal.WITHDRAWN, why)
    opportunity.status = status
    opportunity.save(update_fields=["status"])
    audit.record(actor=actor, action=f"opportunity.{status}", obj=opportunity,
                 organisation=opportunity.posted_by_id,
                 summary=f"{verb.capitalize()} opportunity #{opportunity.pk}")  # fmt: skip
    return opportunity


@transaction.atomic
def opportunity_withdraw(*, actor: User, opportunity_id: int) -> Opportunity:
    """Withdraw an opportunity before a consortium is formed (the client no longer wants it,
    or it was posted by mistake); pending proposals end, their partners told."""
    return _end(actor, opportunity_id, Opportunity.WITHDRAWN, "withdrawn", notices.WITHDRAWN_WHY)


@transaction.atomic
def opportunity_close(*, actor: User, opportunity_id: int) -> Opportunity:
    """Close an opportunity before a consortium is formed (it was filled otherwise, or is no
    longer pursued); pending proposals end, their partners told."""
    return _end(actor, opportunity_id, Opportunity.CLOSED, "closed", notices.CLOSED_WHY)


def lapsing(opportunity_id: int | None = None, today: dt.date | None = None) -> Any:
    """The pending proposals (of one opportunity, or all) whose decision deadline has passed."""
    due = Proposal.objects.filter(
        status=Proposal.PROPOSED, decide_by__lt=today or timezone.localdate()
    )
    return due if opportunity_id is None else due.filter(opportunity_id=opportunity_id)


@transaction.atomic
def proposals_lapse(*, opportunity_id: int | None = None) -> int:
    """Lapse the pending proposals past their decision deadline (of one opportunity, or all):
    their partners and the poster are told; an opportunity left with none pending says so.
    How many lapsed."""
    due = list(lapsing(opportunity_id).select_for_update().select_related("opportunity__posted_by"))
    count = endings.end(due, Proposal.LAPSED, notices.LAPSED_WHY, poster=True)
    for opportunity in {p.opportunity_id: p.opportunity for p in due}.values():
        endings.settle(opportunity)
    return count
