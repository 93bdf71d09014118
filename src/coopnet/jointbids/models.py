"""Pursuits and joint bids.

A `Pursuit` is what an opportunity says about its client, as keys to match on (one row per
opportunity, kept by `receivers` as the opportunity is saved): the normalised client name, and
the website and tender reference its poster's admins may add. Its keys are never shown to
anyone but the poster's members: another poster learns only that someone pursues the client.

A `JointBid` is one poster's proposal that the posters of the matching opportunities bid
together; each of its `JointBidMember` rows is one of those opportunities and its poster's
answer. Until every member has agreed, nobody learns who the others are; when all have, the
joint bid's own opportunity (`opportunity`, posted by the proposer) is formed as any other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coopnet.directory.models import Organisation
from coopnet.opportunities.models import Opportunity


class Pursuit(models.Model):
    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="pursuit"
    )
    #: `engine.clients.client_name_key` of the opportunity's client
    name_key = models.CharField(max_length=200, blank=True, db_index=True)
    website = models.CharField(max_length=200, blank=True)
    website_key = models.CharField(max_length=200, blank=True, db_index=True)
    tender_reference = models.CharField(max_length=100, blank=True)
    tender_key = models.CharField(max_length=100, blank=True, db_index=True)


class JointBid(models.Model):
    OPEN, AGREED, DECLINED = "open", "agreed", "declined"
    #: an opportunity in it was formed or closed on its own before all agreed
    CLOSED = "closed"
    STATUSES = [
        (OPEN, "Waiting for answers"),
        (AGREED, "Agreed by all"),
        (DECLINED, "Declined"),
        (CLOSED, "Closed: an opportunity in it is no longer open"),
    ]

    proposer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=STATUSES, default=OPEN)
    #: the joint bid's own opportunity, posted by the proposer once all agreed
    opportunity = models.OneToOneField(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="joint_bid"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]


class JointBidMember(models.Model):
    PENDING, AGREED, DECLINED = "pending", "agreed", "declined"
    ANSWERS = [(PENDING, "Pending"), (AGREED, "Agreed"), (DECLINED, "Declined")]

    joint_bid = models.ForeignKey(JointBid, on_delete=models.CASCADE, related_name="members")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=8, choices=ANSWERS, default=PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["joint_bid", "opportunity"], name="one_member_row_per_opportunity"
            )
        ]
