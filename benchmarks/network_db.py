"""The synthetic network in the platform's database, bulk-loaded: shared by the platform
benchmark (`benchmarks.platform`, a fresh SQLite file per worker) and the web load test
(`benchmarks.load`, a PostgreSQL database per size).

`load_network` loads `generate_network(people, organisations, seed=1)`: the packaged skill
taxonomy, the organisations (primary keys 1..n in the document's order, slugs the document's
ids), their people and skill levels; the five 12-requirement opportunities of
`generate_opportunities(seed=1)` as drafts; a coordinator; every third organisation opted in to
cross-organisation mentoring; and a shared service with 20 enrolled organisations. Django must
be set up and the database migrated; everything is written in one transaction with
`bulk_create`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

SEED = 1
OPPORTUNITIES, REQUIREMENTS = 5, 12
SERVICE_MEMBERS, SERVICE_SEED = 20, 7
SERVICE_SLUG = "synthetic-service"

Say = Callable[[str], None]


def _quiet(message: str) -> None: ...


def load_network(
    *, people: int, organisations: int, seed: int = SEED, say: Say = _quiet
) -> dict[str, Any]:
    """Bulk-load the network, its draft opportunities, a coordinator, the mentoring opt-ins and
    the shared service; `say` hears of each step. Returns the coordinator, the service, the
    row counts, the generated document (`network`) and the organisations' primary keys in the
    document's order (`org_ids`)."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from benchmarks.pooling import pool_document
    from coopnet.common.models import Coordinator
    from coopnet.directory.models import Organisation, Person, PersonSkill, Skill
    from coopnet.engine.synthetic import generate_network, generate_opportunities, load_skills
    from coopnet.mentoring.models import MentoringOptIn
    from coopnet.opportunities.models import Opportunity, Requirement
    from coopnet.sharedservices import pricing
    from coopnet.sharedservices.models import Enrolment, SharedService

    say(f"generating the network: {people:,} people in {organisations:,} organisations")
    doc = generate_network(people=people, organisations=organisations, seed=seed)
    opportunities = generate_opportunities(
        doc, count=OPPORTUNITIES, requirements=REQUIREMENTS, seed=seed
    )
    with transaction.atomic():
        skills = Skill.objects.bulk_create(
            Skill(slug=s.id, name=s.name, family=s.family) for s in load_skills()
        )
        skill_pk = dict(Skill.objects.values_list("slug", "pk"))
        org_pk: dict[str, int] = {}
        rows = []
        for k, o in enumerate(doc["organisations"], start=1):
            org_pk[o["id"]] = k
            rows.append(
                Organisation(
                    pk=k,
                    name=f"{o['name']} ({o['id']})",  # synthetic names repeat; names are unique
                    slug=o["id"],
                    coordination_cost=Decimal(str(o["coordination_cost"])),
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=2000)
        say(f"  {len(rows):,} organisations")
        persons, held = [], []
        for k, p in enumerate(doc["people"], start=1):
            persons.append(
                Person(
                    pk=k,
                    organisation_id=org_pk[p["org"]],
                    name=f"Person {p['id']}",
                    hours_available=Decimal(str(p["hours"])),
                    cost_rate=Decimal(str(p["cost_rate"])),
                )
            )
            held.extend(
                PersonSkill(person_id=k, skill_id=skill_pk[slug], level=level)
                for slug, level in p["skills"].items()
            )
        Person.objects.bulk_create(persons, batch_size=2000)
        say(f"  {len(persons):,} people")
        PersonSkill.objects.bulk_create(held, batch_size=5000)
        say(f"  {len(held):,} skill levels")
        # the primary keys were given: the sequences must follow them (PostgreSQL), or the
        # next organisation or person added through the platform would collide
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Organisation, Person]):
                cursor.execute(statement)
        org_ids = list(org_pk.values())
        posted = Opportunity.objects.bulk_create(
            Opportunity(
                posted_by_id=org_ids[(k * 7) % len(org_ids)],
                title=o["id"],
                value=Decimal(str(o["value"])),
                commission=Decimal(str(o.get("commission", 0))),
                deadline=pricing.next_period(pricing.current_period()),
                status=Opportunity.DRAFT,
            )
            for k, o in enumerate(opportunities)
        )
        Requirement.objects.bulk_create(
            Requirement(
                opportunity=opportunity,
                skill_id=skill_pk[r["skill"]],
                min_level=r["min_level"],
                hours=Decimal(str(r["hours"])),
            )
            for opportunity, o in zip(posted, opportunities, strict=True)
            for r in o["requirements"]
        )
        user = get_user_model().objects.create_user("coordinator", password=None)
        Coordinator.objects.create(user=user)
        MentoringOptIn.objects.bulk_create(
            MentoringOptIn(organisation_id=pk, opted_in_by=user) for pk in org_ids[::3]
        )
        spec = pool_document(SERVICE_MEMBERS, SERVICE_SEED)
        model = spec["service"]
        service = SharedService.objects.create(
            name=model["name"],
            slug=SERVICE_SLUG,
            fixed_cost=Decimal(model["fixed_cost"]),
            per_member_cost=Decimal(model["per_member_cost"]),
            unit_cost=Decimal(model["unit_cost"]),
            members_per_unit=model["members_per_unit"],
        )
        step = max(1, len(org_ids) // SERVICE_MEMBERS)
        Enrolment.objects.bulk_create(
            Enrolment(
                service=service,
                organisation_id=org_ids[k * step],
                alone_cost=Decimal(m["alone_cost"]),
                hours_alone=Decimal(m["hours_alone"]),
                joins=pricing.current_period(),
            )
            for k, m in enumerate(spec["members"])
        )
        say("  draft opportunities, coordinator, mentoring opt-ins, shared service")
    return {
        "coordinator": user,
        "service": service,
        "network": doc,
        "org_ids": org_ids,
        "counts": {
            "skills": len(skills),
            "organisations": len(rows),
            "people": len(persons),
            "person_skills": len(held),
            "requirements": Requirement.objects.count(),
            "opted_in": len(org_ids[::3]),
            "enrolments": Enrolment.objects.filter(service=service).count(),
        },
    }
