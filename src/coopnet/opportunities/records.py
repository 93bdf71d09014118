"""An opportunity as the database holds it, for every viewer at once: its row, its requirements,
and every proposal with its partners and assignments, read in a few queries and kept until the
network changes (`record`). The pages of the viewers with different rights are then made from
one read, instead of each reading it again.

A record holds what no single viewer may see: every proposal, including those a viewer may not
read, and each partner's private money (the cost of its own work and its share of the surplus).
It is never shown as it is: a page shows of it only what `selectors` lets the viewer's rights
see (`selectors.sees_proposal`, `selectors.sees_value`, `payouts.payouts_of`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coopnet.common import derived
from coopnet.directory.selectors import network_settings
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
    #: by organisation, person and primary key
    assignments: tuple[AssignmentRow, ...]

    def seen_by(self, member: frozenset[int], poster: int) -> bool:
        """May the members of the organisations `member` read it? (`selectors.sees_proposal`)"""
        decisions = ((p.organisation_id, p.decision) for p in self.partners)
        return selectors.sees_proposal(member, poster, self.proposal.status, decisions)


@dataclass(frozen=True)
class OpportunityRecord:
    #: with the organisations that posted it and found its client
    opportunity: Opportunity
    requirements: tuple[RequirementRow, ...]
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

    def seen_by(self, member: frozenset[int]) -> bool:
        """May the members of the organisations `member` read it? (`selectors.sees_opportunity`)"""
        poster = self.opportunity.posted_by_id
        return poster in member or any(p.seen_by(member, poster) for p in self.proposals)


#: what the page shows of a formation run (`_progress.html`, `FormationRun.is_stale`)
RUN_FIELDS = ("id", "status", "progress", "message", "started", "created")


def record(opportunity_id: int) -> OpportunityRecord | None:
    """Opportunity `opportunity_id`'s record (None if there is none), kept until the network
    changes."""
    return derived.kept(f"opportunities:data:{opportunity_id}", lambda: read(opportunity_id))


def read(opportunity_id: int) -> OpportunityRecord | None:
    """Opportunity `opportunity_id`'s record, read now."""
    found = Opportunity.objects.select_related("posted_by", "finder").filter(pk=opportunity_id)
    opportunity = found.first()
    if opportunity is None:
        return None
    partners = list(
        ProposalPartner.objects.filter(proposal__opportunity_id=opportunity_id).select_related(
            "organisation"
        )
    )
    forming = opportunity.status == Opportunity.FORMING
    run = None if forming else FormationRun.objects.filter(opportunity_id=opportunity_id).first()
    return OpportunityRecord(
        opportunity=opportunity,
        requirements=_requirements(opportunity_id),
        proposals=_proposals(opportunity_id, partners),
        skill_names=skill_names(partners),
        partner_view=network_settings().partner_view,
        startable=None if forming else selectors.formation_can_start(opportunity),
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
        last_run=None if run is None else {f: getattr(run, f) for f in RUN_FIELDS},
    )


def _requirements(opportunity_id: int) -> tuple[RequirementRow, ...]:
    rows = Requirement.objects.filter(opportunity_id=opportunity_id).values_list(
        "skill__name", "min_level", "hours"
    )
    return tuple(RequirementRow(*row) for row in rows)


def _proposals(opportunity_id: int, partners: list[ProposalPartner]) -> tuple[ProposalRecord, ...]:
    assignments: dict[int, list[AssignmentRow]] = {}
    rows = Assignment.objects.filter(proposal__opportunity_id=opportunity_id).values_list(
        "proposal_id", "organisation__name", "person__name", "skill__name", "role", "hours"
    )
    for proposal_id, organisation, person, skill, role, hours in rows:
        row = AssignmentRow(organisation, person, skill, role, hours)
        assignments.setdefault(proposal_id, []).append(row)
    return tuple(
        ProposalRecord(
            proposal=proposal,
            partners=tuple(p for p in partners if p.proposal_id == proposal.pk),
            assignments=tuple(assignments.get(proposal.pk, ())),
        )
        for proposal in Proposal.objects.filter(opportunity_id=opportunity_id)
    )
