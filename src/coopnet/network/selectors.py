"""Reads for the network coordinator, and the public record of formed consortia.

The coordinator sees the network as a whole: how many organisations, people and skills; the
skills map; opportunities by status; the consortia formed and what they were worth (the
commission is the network's). Never an organisation's rates, hours or costs, nor a partner's
payout: nothing here reads those fields. Anyone else gets Http404 from `coordinator_or_404`,
so that the pages do not even show that they exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404

from coopnet.directory.models import NetworkSettings, Organisation, Person, PersonSkill
from coopnet.directory.selectors import User, is_coordinator
from coopnet.engine.money import CENT
from coopnet.opportunities.models import Opportunity, Proposal, ProposalPartner

#: the level from which a person counts towards a skill's bus factor
EXPERT_LEVEL = 3


def coordinator_or_404(user: User) -> None:
    """Nothing, for a network coordinator; Http404 for anyone else."""
    if not is_coordinator(user):
        raise Http404("no such page")


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
class PastConsortium:
    """What the whole network may know of a formed consortium: no value, no payouts."""

    opportunity_id: int
    title: str
    partners: tuple[str, ...]
    formed: dt.datetime | None


@dataclass(frozen=True)
class FormedConsortium(PastConsortium):
    """A formed consortium as the coordinator sees it: with the opportunity's value and the
    network's commission on it, never the partners' payouts."""

    posted_by: str
    value: Decimal
    commission: Decimal

    @property
    def commission_amount(self) -> Decimal:
        return (self.value * self.commission).quantize(CENT)


@dataclass(frozen=True)
class NetworkSummary:
    organisations: int
    people: int
    skills_in_use: int
    commission: Decimal
    coverage: list[SkillCoverage]
    opportunities: list[StatusCount]
    consortia: list[FormedConsortium]


def current_commission() -> Decimal:
    """The commission new opportunities are posted with (the first settings row, as
    `opportunities.services` reads it)."""
    rate = NetworkSettings.objects.order_by("pk").values_list("commission", flat=True).first()
    return Decimal(rate or 0)


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


def _formed_proposals() -> QuerySet[Proposal]:
    """Formed proposals, the latest first, with their partners' names only. A consortium is
    formed when its last partner accepts, so its date is the latest decision."""
    partners = (
        ProposalPartner.objects.select_related("organisation")
        .only("proposal", "organisation__name")
        .order_by("organisation__name")
    )
    return (
        Proposal.objects.filter(status=Proposal.FORMED)
        .select_related("opportunity__posted_by")
        .only(
            "opportunity__title",
            "opportunity__value",
            "opportunity__commission",
            "opportunity__posted_by__name",
        )
        .annotate(formed=Max("partners__decided_at"))
        .prefetch_related(Prefetch("partners", queryset=partners))
        .order_by("-formed", "-pk")
    )


def _names(proposal: Proposal) -> tuple[str, ...]:
    return tuple(p.organisation.name for p in proposal.partners.all())


def _formed_at(proposal: Proposal) -> dt.datetime | None:
    return getattr(proposal, "formed", None)  # annotated by _formed_proposals


def formed_consortia() -> list[FormedConsortium]:
    return [
        FormedConsortium(
            opportunity_id=p.opportunity_id,
            title=p.opportunity.title,
            partners=_names(p),
            formed=_formed_at(p),
            posted_by=p.opportunity.posted_by.name,
            value=p.opportunity.value,
            commission=p.opportunity.commission,
        )
        for p in _formed_proposals()
    ]


def past_consortia(organisation: Organisation) -> list[PastConsortium]:
    """The formed consortia `organisation` took part in, for its public profile: the
    opportunity's title, the partners' names and the date formed; no money."""
    taken_part = ProposalPartner.objects.filter(organisation=organisation).values("proposal")
    return [
        PastConsortium(p.opportunity_id, p.opportunity.title, _names(p), _formed_at(p))
        for p in _formed_proposals().filter(pk__in=taken_part)
    ]


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
