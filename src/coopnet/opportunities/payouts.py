"""A partner's payout as each reader may see it, put into words when shown (in the network's
currency, so that a change of currency changes the words) from the facts stored at formation.

Everyone who sees a proposal reads each partner's name and hours. A partner's own members read
all of its money: its payout, what the consortium would earn less without it and why
(`common.explanations.why`), and what its payout is made of: the cost of its own work (its
people's hours at their rates, and its coordination cost) plus its share of the surplus, and
why that share is what it is (`common.explanations.payout_parts`).

What anyone reads of the *other* partners' money is the network's `partner_view` setting
(`NetworkSettings.PARTNER_VIEWS`): by default nothing, since a partner's cost follows from it.
With payouts p_i = c_i + φ_i (cost plus surplus share), when every partner is essential the
Shapley value gives each the same φ, so partner B reads c_A = p_A − φ_B off A's payout and its
own share; with two partners the contract's value D gives it too (c_A = D − c_B − 2φ_B), and
with added values shown, c_A = p_A − added_A / 2. So by default the value and what is taken
off the top are read only by the poster (`sees_value`), who set them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coopnet.common.explanations import payout_parts, why
from coopnet.common.money import network_money
from coopnet.directory.models import NetworkSettings, Skill
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
    #: the recommended split's payout; None where the reader may not see it
    payout: Decimal | None
    #: what the consortium would earn less without it; None where the reader may not see it
    added_value: Decimal | None
    #: the added value and why, in words; None where the reader may not see it
    why: str | None
    #: the Shapley payout when the nucleolus is paid instead; None when the Shapley one is
    #: paid, or the reader may not see it
    shapley_payout: Decimal | None
    #: for the partner's own members only; None for everyone else
    own: OwnPayout | None

    @property
    def unique_skills(self) -> list[dict[str, Any]]:
        """The skills only it brings: with the reason, shown only with its added value."""
        return skill_needs(self.partner) if self.added_value is not None else []

    @property
    def reason(self) -> str | None:
        return self.partner.reason if self.added_value is not None else None


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


def partner_payouts(
    proposal: Proposal, own: Collection[int], view: str = NetworkSettings.OWN_ONLY
) -> list[PartnerPayout]:
    """Every partner's payout as a reader who is a member of the organisations `own` (their
    primary keys) may see it under the network's `partner_view` (`payouts_of`)."""
    partners = list(proposal.partners.all())
    return payouts_of(partners, proposal.recommended, own, view, skill_names(partners))


def skill_names(
    partners: Iterable[ProposalPartner], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The names of the skills only one of `partners` brings, by slug: from `known` (names by
    slug) where it has them, else read (no query when it has them all)."""
    known = known or {}
    slugs = {need["skill"] for partner in partners for need in skill_needs(partner)}
    names = {slug: known[slug] for slug in slugs if slug in known}
    if missing := slugs - names.keys():
        names.update(Skill.objects.filter(slug__in=missing).values_list("slug", "name"))
    return names


def payouts_of(
    partners: Iterable[ProposalPartner],
    recommended: str,
    own: Collection[int],
    view: str,
    names: Mapping[str, str],
) -> list[PartnerPayout]:
    """The payouts of a proposal's `partners` (its `recommended` split) as a reader who is a
    member of the organisations `own` may see them under the network's `partner_view` `view`:
    all of those organisations' money; of the others', their payouts (`PAYOUTS`), also their
    added values and why (`FULL`), or nothing (`OWN_ONLY`). `names`: the skills' names by slug
    (`skill_names`)."""
    nucleolus = recommended == Proposal.NUCLEOLUS
    found = []
    for partner in partners:
        mine = partner.organisation_id in own
        paid = mine or view in (NetworkSettings.PAYOUTS, NetworkSettings.FULL)
        added = mine or view == NetworkSettings.FULL
        found.append(
            PartnerPayout(
                partner=partner,
                payout=partner.payout if paid else None,
                added_value=partner.added_value if added else None,
                why=why_words(partner, names) if added else None,
                shapley_payout=partner.shapley_payout if nucleolus and added else None,
                own=own_payout(partner, recommended) if mine else None,
            )
        )
    return found
