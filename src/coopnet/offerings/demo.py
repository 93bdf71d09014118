"""Demo offerings: each demo organisation describes itself and sells two offerings drawn from
its people's skills, so that the comparison finds both overlap and complement. The first
offering of each draws on the network's most widely held skill (where the organisation holds
it) and its own two most held others: two organisations' first offerings compete on the shared
skill and complement each other with the rest. The first organisation's profile is public.
Deterministic: the organisations in name order, skills by how many hold them, then id."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from coopnet.directory import services as directory
from coopnet.directory.models import Membership, Organisation, PersonSkill
from coopnet.offerings import services

#: the kinds, locations and sizes the demo's organisations take in turn
KINDS = [Organisation.WORKER_COOP, Organisation.COMPANY, Organisation.FREELANCER,
         Organisation.WORKER_COOP, Organisation.NON_PROFIT]  # fmt: skip
LOCATIONS = ["Leeds", "Bristol", "Glasgow", "Cardiff", "Manchester", "Norwich", "Belfast"]
#: (low, high) price bands of the first and second offerings, stepped by organisation
BAND = (Decimal("4000"), Decimal("12000"))
#: how many skills an offering draws on besides the shared one
OWN_SKILLS = 2


def _held(organisation: Organisation) -> list[str]:
    """The organisation's skills (slugs), the most held first, then by slug."""
    counts = Counter(
        PersonSkill.objects.filter(person__organisation=organisation).values_list(
            "skill__slug", flat=True
        )
    )
    return sorted(counts, key=lambda slug: (-counts[slug], slug))


def _widest(organisations: list[Organisation]) -> str | None:
    """The skill held by the most organisations (ties by slug)."""
    counts: Counter[str] = Counter()
    for organisation in organisations:
        counts.update(set(_held(organisation)))
    ranked = sorted(counts, key=lambda slug: (-counts[slug], slug))
    return ranked[0] if ranked else None


@transaction.atomic
def seed_demo() -> None:
    organisations = list(Organisation.objects.order_by("name"))
    shared = _widest(organisations)
    for k, organisation in enumerate(organisations):
        admin = organisation.memberships.filter(role=Membership.ADMIN).first()
        if admin is None:
            continue
        directory.organisation_describe(
            actor=admin.user, organisation_slug=organisation.slug,
            description=organisation.description or f"{organisation.name}: digital work for "
            "co-operatives, charities and local businesses.",
            kind=KINDS[k % len(KINDS)], location=LOCATIONS[k % len(LOCATIONS)],
            website=f"https://{organisation.slug}.example", public=k == 0,
        )  # fmt: skip
        _offer(admin.user, organisation, k, shared)


def _offer(admin: User, organisation: Organisation, k: int, shared: str | None) -> None:
    held = _held(organisation)
    own = [s for s in held if s != shared]
    first = ([shared] if shared in held else []) + own[:OWN_SKILLS]
    second = own[OWN_SKILLS : OWN_SKILLS * 2 + 1]
    step = Decimal(500) * k
    services.offering_create(
        actor=admin, organisation_slug=organisation.slug, name="Build and launch",
        description="A product built with you, from discovery to launch.",
        skills=first, price_low=BAND[0] + step, price_high=BAND[1] + step,
        size="6–12 week projects", lead_time_days=14 + 7 * (k % 3),
    )  # fmt: skip
    if second:
        services.offering_create(
            actor=admin, organisation_slug=organisation.slug, name="Support and care",
            description="Looking after what is running: fixes, updates, small changes.",
            skills=second, size="A day or two a month", lead_time_days=5 + k,
        )  # fmt: skip
