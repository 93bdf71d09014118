"""The record of formed consortia: the public one (who formed a consortium with whom, and
when; never for how much; the opportunity's title only with its poster's consent), for
organisations' profiles, and the coordinator's (with the
opportunity's value and the network's commission on it; never a partner's payout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Prefetch, QuerySet, Window

from coopnet.common.compiled import Compiled
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


def _taken_part(organisation_id: int) -> QuerySet[Any, tuple[Any, ...]]:
    """The ids of the formed proposals `organisation_id` took part in."""
    return ProposalPartner.objects.filter(
        organisation_id=organisation_id, proposal__status=Proposal.FORMED
    ).values_list("proposal_id")


def _partners_of_formed(organisation_id: int) -> QuerySet[Any, tuple[Any, ...]]:
    """Every partner of the formed proposals `organisation_id` took part in, by proposal as
    `_formed_proposals` orders them (the latest formed first), then by name: the public
    record of its consortia in one query."""
    formed = Window(Max("decided_at"), partition_by=[F("proposal_id")])
    return (
        ProposalPartner.objects.filter(proposal_id__in=_taken_part(organisation_id))
        .annotate(formed=formed)
        .order_by(F("formed").desc(), "-proposal_id", "organisation__name")
        .values_list(
            "proposal_id",
            "proposal__opportunity_id",
            "proposal__opportunity__title",
            "proposal__opportunity__title_public",
            "organisation__name",
            "formed",
        )
    )


_TAKEN_PART = Compiled(lambda organisation_id: _taken_part(organisation_id)[:1])
_PARTNERS_OF_FORMED = Compiled(_partners_of_formed)


def past_consortia(organisation: Organisation) -> list[PastConsortium]:
    """The formed consortia `organisation` took part in, for its public profile: the
    partners' names and the date formed, the opportunity's title only where its poster
    consented; no money."""
    # whether it took part in any first: most organisations have formed none, and the
    # record's query takes PostgreSQL several times as long to plan
    if not _TAKEN_PART.rows(organisation.pk):
        return []
    consortia: dict[int, tuple[int, str | None, dt.datetime | None]] = {}
    partners: dict[int, list[str]] = {}
    for proposal, opportunity, title, public, partner, formed in _PARTNERS_OF_FORMED.rows(
        organisation.pk
    ):
        consortia.setdefault(proposal, (opportunity, title if public else None, formed))
        partners.setdefault(proposal, []).append(partner)
    return [
        PastConsortium(opportunity, title, tuple(partners[proposal]), formed)
        for proposal, (opportunity, title, formed) in consortia.items()
    ]


def profile_panel(organisation: Organisation) -> dict[str, Any]:
    """The profile's "Past consortia" panel (the same for every viewer)."""
    return {"consortia": past_consortia(organisation)}
