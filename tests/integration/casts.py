"""What the integration tests share besides fixtures (those are in conftest.py): the private
values planted in Outlier's data, and clients for the casts' users. A module of its own, not
conftest, so that `from casts import ...` finds this file whichever tests run together."""

import json
from decimal import Decimal

from django.test import Client

#: Values planted in Outlier's private data; they must never reach an outsider.
PLANTED_RATE = Decimal("77.71")
PLANTED_HOURS = Decimal("123.45")


def client_for(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def send(client, method, url, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def share(opportunity, partner):
    """Propose a consortium for `opportunity` with `partner` (by default another organisation
    than its poster), as a formation run would: from then on the partner has read it, so it is
    shared and its demand may count on the skills map."""
    from coopnet.opportunities.models import FormationRun, Proposal, ProposalPartner

    run = FormationRun.objects.create(opportunity=opportunity, status=FormationRun.DONE)
    proposal = Proposal.objects.create(
        opportunity=opportunity, run=run, kind=Proposal.CHEAPEST, cost=Decimal(1)
    )
    for organisation in {
        opportunity.posted_by_id: opportunity.posted_by,
        partner.pk: partner,
    }.values():
        ProposalPartner.objects.create(
            proposal=proposal,
            organisation=organisation,
            payout=Decimal(1),
            shapley_payout=Decimal(1),
            added_value=Decimal(1),
        )
    opportunity.status = opportunity.PROPOSED
    opportunity.save(update_fields=["status"])
    return proposal


def once(user):
    """The one-time token a create form carries (coopnet.common.once), as `user`'s page would
    have given it: add it to a POST that should be accepted, `{**data, **once(user)}`."""
    from types import SimpleNamespace

    from coopnet.common.once import FIELD, form_token

    return {FIELD: form_token(SimpleNamespace(user=user))}
