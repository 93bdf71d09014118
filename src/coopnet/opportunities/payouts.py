"""A partner's payout as each reader may see it, put into words when shown (in the network's
currency, so that a change of currency changes the words) from the facts stored at formation.

Everyone who sees a proposal reads each partner's payout, its hours, what the consortium would
earn less without it and why (`common.explanations.why`). Only the partner's own members read
what its payout is made of: the cost of its own work (its people's hours at their rates, and
its coordination cost) plus its share of the surplus, and why that share is what it is
(`common.explanations.payout_parts`); with the payout, the own cost would reveal its rates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coopnet.common.explanations import payout_parts, why
from coopnet.common.money import network_money
from coopnet.directory.models import Skill
from coopnet.opportunities.models import Proposal, ProposalPartner

NOT_KEPT = (
    "This proposal was made before coopnet kept the cost of each partner's own work, so its "
    "payout cannot be split into that cost and a share of the surplus."
)


@dataclass(frozen=True)
class OwnPayout:
    """What the partner's own members alone read of its payout."""

    #: its people's hours at their rates plus its coordination cost; None on old rows
    own_cost: Decimal | None
    #: payout - own_cost; None on old rows
    surplus_share: Decimal | None
    words: str


@dataclass(frozen=True)
class PartnerPayout:
    partner: ProposalPartner
    #: what the consortium would earn less without it, and why (anyone who sees the proposal)
    why: str
    #: the Shapley payout when the nucleolus is paid instead; None when the Shapley one is paid
    shapley_payout: Decimal | None
    #: for the partner's own members only; None for everyone else
    own: OwnPayout | None

    @property
    def unique_skills(self) -> list[dict[str, Any]]:
        return skill_needs(self.partner)


def skill_needs(partner: ProposalPartner) -> list[dict[str, Any]]:
    """The required skills only the partner brings, as [{"skill", "min_level"}]."""
    return [need for need in partner.unique_skills if isinstance(need, dict)]


def why_words(partner: ProposalPartner, skill_names: Mapping[str, str] | None = None) -> str:
    """The public explanation, naming skills by `skill_names` (slug to name) where given; rows
    stored as words before reasons were kept show those words."""
    if not partner.reason:
        return partner.legacy_explanation
    names = skill_names or {}
    skills = [
        (names.get(need["skill"], need["skill"]), int(need["min_level"]))
        for need in skill_needs(partner)
    ]
    name = partner.organisation.name
    return why(name, partner.added_value, partner.reason, skills, network_money)


def own_payout(partner: ProposalPartner, solution: str) -> OwnPayout:
    """The partner's payout as the cost of its own work plus its share of the surplus."""
    if partner.own_cost is None or partner.surplus_share is None:
        return OwnPayout(None, None, NOT_KEPT)
    words = payout_parts(
        partner.payout,
        partner.own_cost,
        partner.surplus_share,
        partner.hours,
        solution,
        network_money,
    )
    return OwnPayout(partner.own_cost, partner.surplus_share, words)


def partner_payouts(proposal: Proposal, own: Collection[int]) -> list[PartnerPayout]:
    """Every partner's payout as a reader who is a member of the organisations `own` (their
    primary keys) may see it: the parts of those organisations' payouts, nobody else's."""
    nucleolus = proposal.recommended == Proposal.NUCLEOLUS
    partners = list(proposal.partners.all())
    slugs = {need["skill"] for partner in partners for need in skill_needs(partner)}
    names = dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [
        PartnerPayout(
            partner=partner,
            why=why_words(partner, names),
            shapley_payout=partner.shapley_payout if nucleolus else None,
            own=(
                own_payout(partner, proposal.recommended)
                if partner.organisation_id in own
                else None
            ),
        )
        for partner in partners
    ]
