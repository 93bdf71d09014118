"""A person's notifications, their choice of e-mail, and the outbox of e-mails to send.

A notification's text is short and never holds another organisation's private figure (a rate, a
cost, a bid): it says what happened and links to the page that shows what the reader may see.
Each e-mail to send is a row of the outbox, written in the same transaction as what it tells
of, so that it is never lost: the job that sends it keeps it pending, with the error, until the
mail server takes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

PROPOSED = "proposed"
DECISION = "decision"
PROPOSAL_ENDED = "proposal_ended"
FORMED = "formed"
JOINT_BID = "joint_bid"
MILESTONE = "milestone"
INVOICE = "invoice"
PAYMENT = "payment"
PAYOUT = "payout"
SERVICE_FEE = "service_fee"
PAIRING = "pairing"
OPPORTUNITY = "opportunity"
CLIENT_REQUEST = "client_request"

#: the fixed list of what a person is told of
KINDS = [
    (PROPOSED, "Proposed in a consortium"),
    (DECISION, "A partner's decision"),
    (PROPOSAL_ENDED, "A proposal ended"),
    (FORMED, "Consortium formed"),
    (JOINT_BID, "Joint-bid proposal"),
    (MILESTONE, "Milestone delivered"),
    (INVOICE, "Invoice issued"),
    (PAYMENT, "Payment received"),
    (PAYOUT, "Payout made"),
    (SERVICE_FEE, "Shared service fee for next month"),
    (PAIRING, "Mentoring pairing"),
    (OPPORTUNITY, "An opportunity changed"),
    (CLIENT_REQUEST, "A client's request"),
]


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=KINDS)
    text = models.CharField(max_length=300)
    #: the site's path of the page it is about ("/opportunities/12/"), or blank
    link = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    #: when it went into a daily digest's e-mail (digest readers only)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]


class Preference(models.Model):
    IMMEDIATELY, DIGEST, OFF = "immediately", "digest", "off"
    EMAIL = [
        (IMMEDIATELY, "At once"),
        (DIGEST, "A daily digest"),
        (OFF, "Off (in the app only)"),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=12, choices=EMAIL, default=IMMEDIATELY)


class OutboxEmail(models.Model):
    """One e-mail to send: kept pending, with its last error, until the server takes it."""

    PENDING, SENT = "pending", "sent"
    STATUSES = [(PENDING, "Pending"), (SENT, "Sent")]

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "next_attempt"], name="outbox_due")]
