"""Writes. Each takes the acting user, finds the object through a selector (404 for whoever may
not see it), checks the actor's role (403 for a member who is not an admin), validates all its
input before saving anything, and runs in one transaction.

The formation itself runs in a background task (`tasks.formation_run`), which calls
`formation_execute`: it reads the network's private data, runs the engine and stores only
what partners may see."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coopnet.common.access import User
from coopnet.common.amounts import MAX_HOURS, MAX_MONEY, parse_amount, parse_text
from coopnet.directory.models import Organisation, Skill
from coopnet.directory.selectors import current_commission, is_admin, organisation_for_member
from coopnet.engine import network as engine
from coopnet.engine.fairshare import Split, split
from coopnet.engine.formation import Formation, form
from coopnet.engine.money import CENT
from coopnet.engine.skill_sharing import form_with_skill_sharing
from coopnet.opportunities import selectors
from coopnet.opportunities.models import (
    Assignment,
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
    Requirement,
)
from coopnet.opportunities.tasks import formation_run

NOT_ADMIN = "Only an admin of the posting organisation can do this."
NOT_PARTNER_ADMIN = "Only an admin of a partner organisation can accept or decline its share."
BAD_MONEY = "An amount in pounds and pence, more than 0 (got {value!r})."
BAD_HOURS = "A number of hours more than 0, in hundredths at most (got {value!r})."
BAD_DATE = "A date as YYYY-MM-DD (got {value!r})."
PAST_DEADLINE = "The deadline cannot be in the past."
NO_REQUIREMENTS = "List at least one required skill."
UNKNOWN_SKILL = "Unknown skill {slug!r}: choose one from the network's skill list."
BAD_LEVEL = "Skill levels are whole numbers from 1 to 5 (got {level!r})."
CANNOT_START = "A consortium cannot be formed now: the opportunity is {status}."
ALREADY_DECIDED = "Your organisation has already decided on this proposal."
CLOSED = "This proposal is no longer open for decisions."
INFEASIBLE = "No consortium in the network can cover: {skills}."
UNPROFITABLE = "No consortium in the network can deliver this for its value after commission."
FAILED = "Formation failed: the network's coordinator has the details."
PROPOSED = "{count} consortium proposal(s) ready for the partners to decide on."
STOPPED = "This search stopped without finishing (its background worker stopped); started again."


def _decimal(value: Any, limit: Decimal) -> Decimal | None:
    """`value` as an amount more than 0 and at most `limit`, in hundredths; else None."""
    return parse_amount(value, limit, zero=False)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _requirements(errors: dict[str, str], items: Any) -> list[Requirement]:
    if not isinstance(items, list | tuple) or not items:
        errors["requirements"] = NO_REQUIREMENTS
        return []
    slugs = [i.get("skill") for i in items if isinstance(i, dict)]
    known = Skill.objects.in_bulk([s for s in slugs if isinstance(s, str)], field_name="slug")
    result = []
    for n, item in enumerate(items):
        field = f"requirements[{n}]"
        item = item if isinstance(item, dict) else {}
        slug, level = item.get("skill"), item.get("min_level")
        skill = known.get(slug) if isinstance(slug, str) else None
        hours = _decimal(item.get("hours"), MAX_HOURS)
        if skill is None:
            errors[f"{field}.skill"] = UNKNOWN_SKILL.format(slug=slug)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            errors[f"{field}.min_level"] = BAD_LEVEL.format(level=level)
        if hours is None:
            errors[f"{field}.hours"] = BAD_HOURS.format(value=item.get("hours"))
        if skill is not None and hours is not None and f"{field}.min_level" not in errors:
            result.append(Requirement(skill=skill, min_level=level, hours=hours))
    return result


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
) -> Opportunity:
    """Post an opportunity for `organisation_slug`, of which `actor` must be an admin.

    >>> opportunity_create(actor=alice, organisation_slug="outlier", title="Booking system",
    ...     value="12000", deadline="2031-03-31",
    ...     requirements=[{"skill": "elixir", "min_level": 4, "hours": "40"}])  # doctest: +SKIP
    """
    organisation = organisation_for_member(actor, organisation_slug)  # 404 for outsiders
    if not is_admin(actor, organisation):
        raise PermissionDenied(NOT_ADMIN)
    errors: dict[str, str] = {}
    opportunity = Opportunity(
        posted_by=organisation,
        title=parse_text(errors, "title", title, 200, required=True),
        client=parse_text(errors, "client", client, 200, required=False),
        description=parse_text(errors, "description", description, 10_000, required=False),
        commission=current_commission(),
    )
    amount, day = _decimal(value, MAX_MONEY), _date(deadline)
    if amount is None:
        errors["value"] = BAD_MONEY.format(value=value)
    if day is None:
        errors["deadline"] = BAD_DATE.format(value=deadline)
    elif day < timezone.localdate():
        errors["deadline"] = PAST_DEADLINE
    wanted = _requirements(errors, requirements)
    if errors:
        raise ValidationError(errors)
    opportunity.value, opportunity.deadline = amount, day
    opportunity.full_clean()
    opportunity.save()
    for requirement in wanted:
        requirement.opportunity = opportunity
    Requirement.objects.bulk_create(wanted)
    return opportunity


@transaction.atomic
def formation_start(*, actor: User, opportunity_id: int) -> FormationRun:
    """Queue the search for a consortium; poll the returned run for its progress."""
    selectors.opportunity_for_user(actor, opportunity_id)  # 404 for outsiders
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    if not selectors.formation_can_start(opportunity):
        raise ValidationError(CANNOT_START.format(status=opportunity.get_status_display().lower()))
    for stale in opportunity.runs.filter(status__in=[FormationRun.QUEUED, FormationRun.RUNNING]):
        if stale.is_stale:
            _progress(stale, stale.progress, STOPPED, status=FormationRun.FAILED,
                      finished=timezone.now())  # fmt: skip
    run = FormationRun.objects.create(opportunity=opportunity, started_by=actor)
    opportunity.status = Opportunity.FORMING
    opportunity.save(update_fields=["status"])
    result = formation_run.enqueue(run_id=run.pk)
    # an immediate backend has already run the task: update only the id, keep its outcome
    FormationRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def _progress(run: FormationRun, progress: int, message: str, **fields: Any) -> None:
    FormationRun.objects.filter(pk=run.pk).update(progress=progress, message=message, **fields)


def formation_execute(*, run_id: int) -> None:
    """The formation task's work: read the network, run the engine, store the proposals.
    Progress is saved as it goes, outside any transaction, so that pollers see it."""
    claimed = FormationRun.objects.filter(pk=run_id, status=FormationRun.QUEUED).update(
        status=FormationRun.RUNNING, started=timezone.now()
    )
    if not claimed:  # already run (a retried task): do nothing twice
        return
    run = FormationRun.objects.select_related("opportunity").get(pk=run_id)
    try:
        _progress(run, 10, "Reading the network's skills and capacity.")
        network, opportunity = selectors.engine_inputs(run.opportunity)
        _progress(run, 30, "Forming the cheapest consortium and sharing its value.")
        cheapest = split(network, opportunity)
        _progress(run, 50, "Looking for alternatives.")
        alternatives = _alternatives(network, opportunity, cheapest)
        _progress(run, 90, "Saving the proposals.")
        with transaction.atomic():
            _store(run, cheapest, alternatives)
    except Exception:
        _fail(run, traceback.format_exc())
        raise


def _fail(run: FormationRun, error: str) -> None:
    _progress(run, 100, FAILED, status=FormationRun.FAILED, error=error, finished=timezone.now())
    Opportunity.objects.filter(pk=run.opportunity_id).update(status=Opportunity.FAILED)


Alternative = tuple[str, Formation, Split, tuple[str, ...] | None, dict[str, Any]]


def _signature(formation: Formation) -> tuple[Any, ...]:
    plan = ((a.person, a.requirement, round(a.hours, 2)) for a in formation.assignments)
    return tuple(sorted(plan))


def _alternatives(
    network: engine.Network, opportunity: engine.Opportunity, cheapest: Split
) -> list[Alternative]:
    """The fewest-organisations and skill-sharing plans, when they differ from the cheapest.
    Each is shared as the consortium game of its own organisations; a plan whose partners
    that game would not all pay is left out."""
    if cheapest.status not in ("optimal", "feasible"):
        return []
    fewest = form(network, opportunity, objective="organisations")
    sharing = form_with_skill_sharing(network, opportunity)
    candidates: list[tuple[str, Formation, tuple[str, ...] | None, dict[str, Any]]] = [
        (Proposal.FEWEST, fewest, None, {}),
        (
            Proposal.SKILL_SHARING,
            sharing.formation,
            sharing.roles,
            {"learning_hours": round(sharing.learning_hours, 2)},
        ),
    ]
    seen, found = {_signature(cheapest.formation)}, []
    for kind, formation, roles, data in candidates:
        if formation.cost is None or _signature(formation) in seen:
            continue
        seen.add(_signature(formation))
        shared = split(network.restricted(formation.organisations), opportunity)
        if shared.status in ("optimal", "feasible") and set(shared.organisations) == set(
            formation.organisations
        ):
            found.append((kind, formation, shared, roles, data))
    return found


def _store(run: FormationRun, cheapest: Split, alternatives: list[Alternative]) -> None:
    opportunity = run.opportunity
    if cheapest.status == "infeasible":
        skills = ", ".join(
            f"{u.skill} at level {u.min_level} or above" for u in cheapest.formation.uncovered
        )
        opportunity.status, message = Opportunity.INFEASIBLE, INFEASIBLE.format(skills=skills)
    elif cheapest.status == "unprofitable":  # the shortfall would reveal the partners' costs
        opportunity.status, message = Opportunity.UNPROFITABLE, UNPROFITABLE
    else:
        _proposal_create(run, Proposal.CHEAPEST, cheapest.formation, cheapest, None, {})
        for kind, formation, shared, roles, data in alternatives:
            _proposal_create(run, kind, formation, shared, roles, data)
        opportunity.status = Opportunity.PROPOSED
        message = PROPOSED.format(count=1 + len(alternatives))
    opportunity.save(update_fields=["status"])
    _progress(run, 100, message, status=FormationRun.DONE, finished=timezone.now())


def _money(amount: float | Decimal) -> Decimal:
    return Decimal(repr(amount) if isinstance(amount, float) else amount).quantize(CENT)


def _proposal_create(
    run: FormationRun,
    kind: str,
    formation: Formation,
    shared: Split,
    roles: tuple[str, ...] | None,
    data: dict[str, Any],
) -> Proposal:
    assert formation.cost is not None
    assert shared.game is not None
    payouts = shared.nucleolus_payouts if shared.recommended == "nucleolus" else shared.payouts
    assert payouts is not None
    proposal = Proposal.objects.create(
        opportunity=run.opportunity,
        run=run,
        kind=kind,
        cost=_money(formation.cost),
        recommended=shared.recommended,
        in_core=shared.game.contains.get(shared.recommended),
        data={"solver": formation.status, **data},
    )
    organisations = Organisation.objects.in_bulk(shared.organisations, field_name="slug")
    ProposalPartner.objects.bulk_create(
        ProposalPartner(
            proposal=proposal,
            organisation=organisations[why.org],
            payout=payouts[why.org],
            shapley_share=shared.payouts[why.org],
            added_value=why.added_value,
            unique_skills=list(why.unique_skills),
            explanation=why.text,
        )
        for why in shared.explanations
    )
    _assignments_create(proposal, formation, roles or ())
    return proposal


def _assignments_create(proposal: Proposal, formation: Formation, roles: Iterable[str]) -> None:
    requirements = list(proposal.opportunity.requirements.select_related("skill"))
    organisations = Organisation.objects.in_bulk(formation.organisations, field_name="slug")
    roles = list(roles) or [Assignment.WORK] * len(formation.assignments)
    Assignment.objects.bulk_create(
        Assignment(
            proposal=proposal,
            person_id=int(a.person),
            organisation=organisations[a.org],
            skill=requirements[a.requirement].skill,
            requirement=requirements[a.requirement],
            hours=_money(a.hours),
            role=role,
        )
        for a, role in zip(formation.assignments, roles, strict=True)
        if _money(a.hours) > 0
    )


@transaction.atomic
def proposal_decide(*, actor: User, proposal_id: int, accept: bool) -> Proposal:
    """Accept or decline a proposal for the partner organisation(s) `actor` administers.
    When every partner has accepted, the consortium is formed; one decline ends it."""
    selectors.proposal_for_user(actor, proposal_id)  # 404 for whoever may not see it
    locked = Proposal.objects.select_for_update().select_related("opportunity")
    proposal = locked.get(pk=proposal_id)
    rows = [p for p in proposal.partners.all() if is_admin(actor, p.organisation)]
    if not rows:
        raise PermissionDenied(NOT_PARTNER_ADMIN)
    if proposal.status != Proposal.PROPOSED or proposal.opportunity.status != Opportunity.PROPOSED:
        raise ValidationError(CLOSED)
    if any(row.decision != ProposalPartner.PENDING for row in rows):
        raise ValidationError(ALREADY_DECIDED)
    decision = ProposalPartner.ACCEPTED if accept else ProposalPartner.DECLINED
    for row in rows:
        row.decision, row.decided_by, row.decided_at = decision, actor, timezone.now()
        row.save(update_fields=["decision", "decided_by", "decided_at"])
    if not accept:
        proposal.status = Proposal.DECLINED
    elif not proposal.partners.exclude(decision=ProposalPartner.ACCEPTED).exists():
        proposal.status = Proposal.FORMED
        proposal.opportunity.status = Opportunity.FORMED
        proposal.opportunity.save(update_fields=["status"])
    proposal.save(update_fields=["status"])
    return proposal
