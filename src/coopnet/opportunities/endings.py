"""How an opportunity's proposals end short of a consortium, and what its status then says.

A pending proposal ends when a partner declines it, when its decision deadline passes (it
lapses) or when its poster withdraws or closes the opportunity. Once none is pending and none
was formed, the opportunity says so: "All proposals declined", or "Proposals lapsed or
declined" when any lapsed; its poster may then edit it and search again."""

from __future__ import annotations

from collections.abc import Iterable

from coopnet.opportunities import notices
from coopnet.opportunities.models import Opportunity, Proposal
from coopnet.opportunities.signals import demand_changed


def settle(opportunity: Opportunity) -> None:
    """Set a proposed opportunity's status once none of its proposals is pending any more."""
    if opportunity.status != Opportunity.PROPOSED:
        return
    statuses = set(opportunity.proposals.values_list("status", flat=True))
    if Proposal.PROPOSED in statuses or Proposal.FORMED in statuses:
        return
    lapsed = Proposal.LAPSED in statuses
    opportunity.status = Opportunity.LAPSED if lapsed else Opportunity.DECLINED
    opportunity.save(update_fields=["status"])


def end(proposals: Iterable[Proposal], status: str, why: str, poster: bool = False) -> int:
    """End the pending `proposals` with `status`, telling their partners' admins `why` (the
    poster's too with `poster`, else not: they ended it); how many ended."""
    ended = [p for p in proposals if p.status == Proposal.PROPOSED]
    for proposal in ended:
        leave_out = set() if poster else {proposal.opportunity.posted_by_id}
        notices.proposal_ended(proposal, why, leave_out=leave_out, poster=poster)
    Proposal.objects.filter(pk__in=[p.pk for p in ended]).update(status=status)
    demand_changed.send(sender=Proposal)  # an update sends no model signal
    return len(ended)
