"""Reads for the network coordinator.

The coordinator sees the network as a whole: how many organisations, people and skills; the
skills map; opportunities by status; the consortia formed and what they were worth (the
commission is the network's). Never an organisation's rates, hours or costs, nor a partner's
payout: nothing here reads those fields. Anyone else gets Http404 from `coordinator_or_404`,
so that the pages do not even show that they exist."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from coopnet.common.access import User, coordinator_or_404
from coopnet.directory.models import NetworkSettings, Organisation, Person, PersonSkill
from coopnet.directory.selectors import current_commission, network_settings
from coopnet.opportunities.consortia import FormedConsortium, formed_consortia
from coopnet.opportunities.models import Opportunity

#: the level from which a person counts towards a skill's bus factor
EXPERT_LEVEL = 3


@dataclass(frozen=True)
class SkillCoverage:
    slug: str
    name: str
    #: people who hold the skill at any level
    people: int
    #: people who hold it at level 3 or above: the skill's bus factor
    experts: int


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class NetworkSummary:
    organisations: int
    people: int
    skills_in_use: int
    commission: Decimal
    coverage: list[SkillCoverage]
    opportunities: list[StatusCount]
    consortia: list[FormedConsortium]


def skill_coverage() -> list[SkillCoverage]:
    """Every skill someone in the network holds, the most-held first."""
    rows = (
        PersonSkill.objects.values("skill__slug", "skill__name")
        .annotate(
            people=Count("person", distinct=True),
            experts=Count("person", filter=Q(level__gte=EXPERT_LEVEL), distinct=True),
        )
        .order_by("-people", "-experts", "skill__name")
    )
    return [
        SkillCoverage(r["skill__slug"], r["skill__name"], r["people"], r["experts"]) for r in rows
    ]


def opportunities_by_status() -> list[StatusCount]:
    """How many opportunities are in each status, every status listed."""
    rows = Opportunity.objects.order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [StatusCount(s, label, counts.get(s, 0)) for s, label in Opportunity.STATUSES]


def network_policy(user: User) -> NetworkSettings:
    """The commission policy, finder's fee and exemptions; Http404 for anyone but a
    coordinator."""
    coordinator_or_404(user)
    return network_settings()


def network_summary(user: User) -> NetworkSummary:
    """The coordinator's dashboard; Http404 for anyone else."""
    coordinator_or_404(user)
    coverage = skill_coverage()
    return NetworkSummary(
        organisations=Organisation.objects.count(),
        people=Person.objects.count(),
        skills_in_use=len(coverage),
        commission=current_commission(),
        coverage=coverage,
        opportunities=opportunities_by_status(),
        consortia=formed_consortia(),
    )
