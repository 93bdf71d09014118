"""Demo client requests, as if sent through the front door: one new, one passed on to the
organisations whose offerings match, and one the coordinator turned into an opportunity (the
network found the client: no finder's fee). Their skills are those of the demo's first
offering, so that the matches are real. Deterministic: offerings by organisation and name."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from coopnet.clients import selectors, services
from coopnet.common.models import Coordinator
from coopnet.offerings.models import Offering

#: (client, contact, needs, days to the deadline, budget)
REQUESTS = [
    ("Riverside Surgery", "Priya Shah", "An online booking system for our three clinics, "
     "with reminders by text message.", 120, "18000"),
    ("Northfield Housing Co-op", "Tom Reilly", "A members' portal: repairs reported online, "
     "and the co-op's documents in one place.", 90, "9500"),
    ("Hillside Food Bank", "Grace Okafor", "A volunteer rota that volunteers can change from "
     "their phones.", 60, ""),
]  # fmt: skip


@transaction.atomic
def seed_demo() -> None:
    coordinator = Coordinator.objects.select_related("user").first()
    first = Offering.objects.prefetch_related("skills").order_by("organisation__name", "name")
    offering = first.first()
    if coordinator is None or offering is None:
        return
    skills = sorted(s.slug for s in offering.skills.all())
    today = timezone.localdate()
    made = [
        services.client_request_submit(
            organisation=client,
            contact_name=contact,
            needs=needs,
            skills=skills,
            email=f"{contact.split()[0].lower()}@{client.split()[0].lower()}.example",
            deadline=today + dt.timedelta(days=days),
            budget=budget or None,
        )
        for client, contact, needs, days, budget in REQUESTS
    ]
    cora = coordinator.user
    passed, turned = made[1], made[2]
    matches = [m.organisation.slug for m in selectors.matching_organisations(passed)][:2]
    services.client_request_pass(actor=cora, request_id=passed.pk, organisation_slugs=matches)
    services.client_request_turn(
        actor=cora, request_id=turned.pk, organisation_slug=offering.organisation.slug,
        title="Volunteer rota for Hillside Food Bank", value="6000",
        deadline=today + dt.timedelta(days=60),
        requirements=[{"skill": slug, "min_level": 3, "hours": "20"} for slug in skills],
    )  # fmt: skip
