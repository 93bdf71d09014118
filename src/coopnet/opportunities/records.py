"""An opportunity as the database holds it, for every viewer at once: its row, its requirements,
and every proposal with its partners and assignments, read in a few queries and kept until the
network changes (`record`). The pages of the viewers with different rights are then made from
one read, instead of each reading it again.

A record holds what no single viewer may see: every proposal, including those a viewer may not
read, and each partner's private money (the cost of its own work and its share of the surplus).
It is never shown as it is: a page shows of it only what `selectors` lets the viewer's rights
see (`selectors.sees_proposal`, `selectors.sees_value`, `payouts.payouts_of`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import router
from django.db.models import Model, Subquery
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from coopnet.common import derived
from coopnet.common.compiled import Compiled
from coopnet.directory.models import NetworkSettings, Organisation
from coopnet.opportunities import selectors
from coopnet.opportunities.models import (
    Assignment,
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
    Requirement,
)
from coopnet.opportunities.payouts import skill_names

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class RequirementRow:
    skill: str
    min_level: int
    hours: Decimal


@dataclass(frozen=True)
class AssignmentRow:
    organisation: str
    person: str
    skill: str
    role: str
    hours: Decimal

    @property
    def role_display(self) -> str:
        return dict(Assignment.ROLES).get(self.role, self.role)


@dataclass(frozen=True)
class ProposalRecord:
    proposal: Proposal
    #: by organisation name, each with its organisation
    partners: tuple[ProposalPartner, ...]
    #: who does what, the rows of its table in HTML (`_assignments.html`)
    assignments: str

    @property
    def assignments_html(self) -> str:
        return mark_safe(self.assignments)  # rendered by the template engine (`_rows`)

    def seen_by(self, member: frozenset[int], poster: int) -> bool:
        """May the members of the organisations `member` read it? (`selectors.sees_proposal`)"""
        decisions = ((p.organisation_id, p.decision) for p in self.partners)
        return selectors.sees_proposal(member, poster, self.proposal.status, decisions)


@dataclass(frozen=True)
class OpportunityRecord:
    #: with the organisations that posted it and found its client
    opportunity: Opportunity
    #: the skills it needs, the items of their list in HTML (`_requirements.html`)
    requirements: str
    #: every proposal, by primary key
    proposals: tuple[ProposalRecord, ...]
    #: the names of the skills the partners' explanations name, by slug
    skill_names: dict[str, str]
    #: the network's `partner_view`
    partner_view: str
    #: may a search start? None while forming (it then depends on the last run's age)
    startable: bool | None
    #: the organisations that declined one of its proposals, but its poster, by name
    declined: tuple[str, ...]
    #: the last formation run's fields (`RUN_FIELDS`) once the search is over; None while
    #: forming, when its progress is written unannounced
    last_run: dict[str, Any] | None

    @property
    def requirements_html(self) -> str:
        return mark_safe(self.requirements)  # rendered by the template engine (`_rows`)

    def seen_by(self, member: frozenset[int]) -> bool:
        """May the members of the organisations `member` read it? (`visible_opportunities`)"""
        poster = self.opportunity.posted_by_id
        return poster in member or any(p.seen_by(member, poster) for p in self.proposals)


#: what the page shows of a formation run (`_progress.html`, `FormationRun.is_stale`)
RUN_FIELDS = ("id", "status", "progress", "message", "started", "created")


def record(opportunity_id: int) -> OpportunityRecord | None:
    """Opportunity `opportunity_id`'s record (None if there is none), kept until the network
    changes."""
    return derived.kept(f"opportunities:data:{opportunity_id}", lambda: read(opportunity_id))


# Read for each opportunity and each change of the network, by SQL compiled once: building
# these queries with the ORM costs more than the database takes to answer them.


@functools.cache
def _columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


_OPPORTUNITY = Compiled(
    lambda pk: Opportunity.objects.filter(pk=pk).values_list(
        *_columns(Opportunity),
        "posted_by__name",
        "finder__name",
        Subquery(NetworkSettings.objects.order_by("pk").values("partner_view")[:1]),
    )
)
_REQUIREMENTS = Compiled(
    lambda pk: Requirement.objects.filter(opportunity_id=pk).values_list(
        "skill__slug", "skill__name", "min_level", "hours"
    )
)
_PROPOSALS = Compiled(
    lambda pk: Proposal.objects.filter(opportunity_id=pk).values_list(*_columns(Proposal))
)
_PARTNERS = Compiled(
    lambda pk: ProposalPartner.objects.filter(proposal__opportunity_id=pk).values_list(
        *_columns(ProposalPartner), "organisation__name"
    )
)
_ASSIGNMENTS = Compiled(
    lambda pk: Assignment.objects.filter(proposal__opportunity_id=pk).values_list(
        "proposal_id", "organisation__name", "person__name", "skill__name", "role", "hours"
    )
)
_LAST_RUN = Compiled(
    lambda pk: FormationRun.objects.filter(opportunity_id=pk).values_list(*RUN_FIELDS)[:1]
)


def _loaded(model: type[M], values: tuple[Any, ...] | list[Any]) -> M:
    """An instance of `model` from the values of its concrete fields, as the ORM loads it."""
    return model.from_db(router.db_for_read(model), _columns(model), values)


def _organisation(pk: int, name: str) -> Organisation:
    """Organisation `pk`, with its name alone: reading anything else reads it all."""
    return Organisation.from_db(router.db_for_read(Organisation), ["id", "name"], [pk, name])


def read(opportunity_id: int) -> OpportunityRecord | None:
    """Opportunity `opportunity_id`'s record, read now."""
    found = _OPPORTUNITY.rows(opportunity_id)
    if not found:
        return None
    *values, poster, finder, partner_view = found[0]
    opportunity = _loaded(Opportunity, values)
    opportunity.posted_by = _organisation(opportunity.posted_by_id, poster)
    if opportunity.finder_id is not None:
        opportunity.finder = _organisation(opportunity.finder_id, finder)
    requirements = _REQUIREMENTS.rows(opportunity_id)
    partners = [_partner(row) for row in _PARTNERS.rows(opportunity_id)]
    proposals = _proposals(opportunity_id, partners)
    forming = opportunity.status == Opportunity.FORMING
    statuses = [(p.proposal.status,) for p in proposals]
    run = None if forming else next(iter(_LAST_RUN.rows(opportunity_id)), None)
    return OpportunityRecord(
        opportunity=opportunity,
        requirements=_rows("requirements", [RequirementRow(*row[1:]) for row in requirements]),
        proposals=proposals,
        skill_names=skill_names(partners, known={row[0]: row[1] for row in requirements}),
        partner_view=partner_view or NetworkSettings().partner_view,
        startable=(
            None if forming else selectors.formation_can_start_after(opportunity.status, statuses)
        ),
        # as `selectors.declined_partners`
        declined=tuple(
            sorted(
                {
                    p.organisation.name
                    for p in partners
                    if p.decision == ProposalPartner.DECLINED
                    and p.organisation_id != opportunity.posted_by_id
                }
            )
        ),
        last_run=None if run is None else dict(zip(RUN_FIELDS, run, strict=True)),
    )


def _partner(row: tuple[Any, ...]) -> ProposalPartner:
    *values, name = row
    partner = _loaded(ProposalPartner, values)
    partner.organisation = _organisation(partner.organisation_id, name)
    return partner


def _rows(template: str, rows: list[Any]) -> str:
    """`rows` in HTML, by the template `opportunities/_<template>.html`."""
    return str(render_to_string(f"opportunities/_{template}.html", {template: rows}))


def _proposals(opportunity_id: int, partners: list[ProposalPartner]) -> tuple[ProposalRecord, ...]:
    assignments: dict[int, list[AssignmentRow]] = {}
    for proposal_id, organisation, person, skill, role, hours in _ASSIGNMENTS.rows(opportunity_id):
        row = AssignmentRow(organisation, person, skill, role, hours)
        assignments.setdefault(proposal_id, []).append(row)
    return tuple(
        ProposalRecord(
            proposal=proposal,
            partners=tuple(p for p in partners if p.proposal_id == proposal.pk),
            assignments=_rows("assignments", assignments.get(proposal.pk, [])),
        )
        for proposal in (_loaded(Proposal, row) for row in _PROPOSALS.rows(opportunity_id))
    )
