"""A client's request, sent through the network's public front door.

Its contact details and what it needs are the coordinator's to read, and the admins' of the
organisations it was passed to; nobody else learns that it exists. A request never holds an
organisation's rate, cost or bid: it is what the client wrote, and where it went."""

from __future__ import annotations

import secrets

from django.core.validators import MinValueValidator
from django.db import models

from coopnet.common.amounts import MONEY
from coopnet.directory.models import Organisation, Skill
from coopnet.opportunities.models import Opportunity

#: a reference's letters: no 0/O, 1/I/L to misread on the telephone
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A reference to give the client, e.g. "CR-7KQ2M9XA": random, so that it tells nobody
    how many requests the network receives."""
    return "CR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class ClientRequest(models.Model):
    NEW, PASSED, OPPORTUNITY, DECLINED = "new", "passed", "opportunity", "declined"
    STATUSES = [
        (NEW, "New"),
        (PASSED, "Passed on"),
        (OPPORTUNITY, "Turned into an opportunity"),
        (DECLINED, "Declined"),
    ]

    reference = models.CharField(max_length=12, unique=True)
    #: the client's own organisation, by the name it gave
    organisation = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    needs = models.TextField()
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    #: the rough size the client gave, in the network's currency (None: not said)
    budget = models.DecimalField(null=True, blank=True, validators=[MinValueValidator(0)], **MONEY)
    deadline = models.DateField()
    status = models.CharField(max_length=12, choices=STATUSES, default=NEW)
    #: the organisations the coordinator passed it to: their admins may read it
    passed_to = models.ManyToManyField(Organisation, blank=True, related_name="client_requests")
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.organisation})"
