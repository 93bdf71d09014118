"""The record of formed consortia: the public one (who formed a consortium with whom, and
when; never for how much; the opportunity's title only with its poster's consent), for
organisations' profiles, and the coordinator's (with the
opportunity's value and the network's commission on it; never a partner's payout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from coopnet.directory.models import COMMISSION_TERMS, Organisation
from coopnet.opportunities.models import Proposal, ProposalPartner


@dataclass(frozen=True)
class PastConsortium:
    """What the whole network may know of a formed consortium: no value, no payouts; its
    title only with the poster's consent (`Opportunity.title_public`), else None."""

    opportunity_id: int
    title: str | None
    partners: tuple[str, ...]
    formed: dt.datetime | None


@dataclass(frozen=True)
class FormedConsortium(PastConsortium):
    """A formed consortium as the coordinator sees it: with the opportunity's value and the
    network's commission on it, never the partners' payouts."""

    posted_by: str
    value: Decimal
    #: the rate of the opportunity's commission policy, and the amount by the whole policy
    commission: Decimal
    commission_amount: Decimal


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
            "opportunity__title_public",
            "opportunity__value",
            *(f"opportunity__{name}" for name in COMMISSION_TERMS),
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
            commission_amount=p.opportunity.commission_amount,
        )
        for p in _formed_proposals()
    ]


def past_consortia(organisation: Organisation) -> list[PastConsortium]:
    """The formed consortia `organisation` took part in, for its public profile: the
    partners' names and the date formed, the opportunity's title only where its poster
    consented; no money."""
    # its formed proposals' ids first, in a query on its own partnerships: most organisations
    # have few or none, and the formed proposals' query, grouped, costs more than its rows
    taken_part = list(
        ProposalPartner.objects.filter(
            organisation=organisation, proposal__status=Proposal.FORMED
        ).values_list("proposal_id", flat=True)
    )
    if not taken_part:
        return []
    return [
        PastConsortium(p.opportunity_id, _public_title(p), _names(p), _formed_at(p))
        for p in _formed_proposals().filter(pk__in=taken_part)
    ]


def _public_title(proposal: Proposal) -> str | None:
    return proposal.opportunity.title if proposal.opportunity.title_public else None


def profile_panel(organisation: Organisation) -> dict[str, Any]:
    """The profile's "Past consortia" panel (the same for every viewer)."""
    return {"consortia": past_consortia(organisation)}
