"""What the opportunities' services tell people (`notifications.notify`), in their transaction.

Each text names the opportunity and the organisations a reader already sees on its page, and
never a figure: no value, payout, cost or rate. A partner that declined is named to the poster
only (with its reason, which the poster's page shows too); the other partners are told that
the proposal ended, not who ended it, since a declined proposal is no longer theirs to read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User as Account

from coopnet.notifications import models as kinds
from coopnet.notifications.services import admins_of, members_of, notify
from coopnet.opportunities.models import Opportunity, Proposal, ProposalPartner

PROPOSED_TEXT = (
    "{poster} proposes your organisation in a consortium for “{title}”: accept or decline."
)
ACCEPTED_TEXT = "{partner} accepted the proposal for “{title}”."
DECLINED_TEXT = "{partner} declined the proposal for “{title}”: {reason}"
ENDED_TEXT = "The proposal for “{title}” from {poster} ended: {why}."
DECLINED_WHY = "a partner declined it"
SUPERSEDED_WHY = "another consortium was formed for it"
LAPSED_WHY = "its decision deadline passed"
WITHDRAWN_WHY = "the opportunity was withdrawn"
CLOSED_WHY = "the opportunity was closed"
FORMED_TEXT = "A consortium was formed for “{title}”: every partner accepted."


def _link(opportunity: Opportunity) -> str:
    return f"/opportunities/{opportunity.pk}/"


def _partner_ids(proposal: Proposal) -> list[int]:
    return list(proposal.partners.values_list("organisation_id", flat=True))


def proposals_made(opportunity: Opportunity, proposals: list[Proposal]) -> None:
    """The admins of each organisation proposed in one of a search's consortia (once each)."""
    partners = ProposalPartner.objects.filter(proposal__in=proposals)
    notify(
        recipients=admins_of(set(partners.values_list("organisation_id", flat=True))),
        kind=kinds.PROPOSED,
        text=PROPOSED_TEXT.format(poster=opportunity.posted_by.name, title=opportunity.title),
        link=_link(opportunity),
    )


def decision_made(
    proposal: Proposal,
    rows: Iterable[ProposalPartner],
    accept: bool,
    reason: str = "",
    actor: Any = None,
) -> None:
    """A partner's decision: to the poster's admins and the other partners' admins."""
    opportunity = proposal.opportunity
    deciders = {row.organisation_id: row.organisation.name for row in rows}
    others = [pk for pk in _partner_ids(proposal) if pk not in deciders]
    names = ", ".join(sorted(deciders.values()))
    if accept:
        text = ACCEPTED_TEXT.format(partner=names, title=opportunity.title)
        told = admins_of([opportunity.posted_by_id, *others])
        notify(recipients=_except(told, deciders), kind=kinds.DECISION, text=text,
               link=_link(opportunity), actor=actor)  # fmt: skip
        return
    text = DECLINED_TEXT.format(partner=names, title=opportunity.title, reason=reason)
    poster = admins_of([opportunity.posted_by_id])
    notify(recipients=poster, kind=kinds.DECISION, text=text, link=_link(opportunity), actor=actor)
    proposal_ended(proposal, DECLINED_WHY, leave_out={opportunity.posted_by_id, *deciders})


def _except(users: list[Account], organisation_ids: Iterable[int]) -> list[Account]:
    """`users` but those who administer one of `organisation_ids` (who acted themselves)."""
    acted = {user.pk for user in admins_of(organisation_ids)}
    return [user for user in users if user.pk not in acted]


def proposal_ended(
    proposal: Proposal, why: str, leave_out: Iterable[int] = (), poster: bool = False
) -> None:
    """The partners' admins (but those in `leave_out`), and the poster's with `poster`: the
    proposal ended, and why."""
    opportunity = proposal.opportunity
    skipped = set(leave_out)
    partners = [pk for pk in _partner_ids(proposal) if pk not in skipped]
    if poster:
        partners.append(opportunity.posted_by_id)
    text = ENDED_TEXT.format(title=opportunity.title, poster=opportunity.posted_by.name, why=why)
    notify(recipients=admins_of(partners), kind=kinds.PROPOSAL_ENDED, text=text)


def consortium_formed(proposal: Proposal) -> None:
    """Everyone in the poster and the partners: the consortium is formed."""
    opportunity = proposal.opportunity
    organisations = [opportunity.posted_by_id, *_partner_ids(proposal)]
    notify(
        recipients=members_of(organisations),
        kind=kinds.FORMED,
        text=FORMED_TEXT.format(title=opportunity.title),
        link=_link(opportunity),
    )
