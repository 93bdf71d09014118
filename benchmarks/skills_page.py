"""GET /skills/ at 10,000 people and 1,000 organisations, through Django's test client signed in
as the coordinator: cold (the first request after a change to the directory) and warm (the
next ones), with the query count and the page's size.

    .venv/bin/python -m benchmarks.skills_page            # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopnet_skills_bench \\
        .venv/bin/python -m benchmarks.skills_page        # PostgreSQL (the database is made)

It loads the network of `benchmarks.platform` (`_load`) and, so that the page has demand to
show, shares `SHARED` more opportunities of as many organisations (each proposed to a partner
of another organisation), 12 requirements each over the whole taxonomy: most skills are then
asked for by the opportunities of at least three organisations (SKILLS_SHARED=0 for none, as
in `benchmarks.platform`, where the opportunities are drafts).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

SHARED, REQUIREMENTS, REPEATS = int(os.environ.get("SKILLS_SHARED", 300)), 12, 20


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DJANGO_SETTINGS_MODULE"] = "coopnet.web.settings"
        os.environ["COOPNET_DEBUG"] = "0"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
    else:
        from benchmarks.platform import _django

        _django({})


def _share(coordinator: Any) -> int:
    """`SHARED` opportunities of distinct organisations, each proposed to another one."""
    from django.db import transaction

    from coopnet.directory.models import Organisation, Skill
    from coopnet.opportunities.models import (
        FormationRun,
        Opportunity,
        Proposal,
        ProposalPartner,
        Requirement,
    )
    from coopnet.sharedservices import pricing

    rng = random.Random(12)
    skills = list(Skill.objects.values_list("pk", flat=True))
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for k in range(SHARED):
            poster, partner = organisations[k], organisations[-1 - k]
            opportunity = Opportunity.objects.create(
                posted_by_id=poster,
                title=f"shared {k}",
                value=Decimal(50_000),
                deadline=pricing.next_period(pricing.current_period()),
                status=Opportunity.PROPOSED,
            )
            Requirement.objects.bulk_create(
                Requirement(
                    opportunity=opportunity,
                    skill_id=skill,
                    min_level=3,
                    hours=Decimal(rng.randint(10, 200)),
                )
                for skill in rng.sample(skills, REQUIREMENTS)
            )
            run = FormationRun.objects.create(opportunity=opportunity, started_by=coordinator)
            proposal = Proposal.objects.create(
                opportunity=opportunity, run=run, kind=Proposal.CHEAPEST, cost=Decimal(1000)
            )
            ProposalPartner.objects.create(
                proposal=proposal,
                organisation_id=partner,
                payout=Decimal(0),
                shapley_payout=Decimal(0),
                added_value=Decimal(0),
            )
    return SHARED


def _get(client: Any) -> tuple[float, int, int]:
    """Seconds, queries and bytes of one GET /skills/."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/skills/")
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries), len(response.content)


def _touch() -> None:
    """One change to the directory: a person's free hours, through the model (as the services
    save it), so that the next request is cold."""
    from coopnet.directory.models import Person

    person = Person.objects.order_by("pk").first()
    assert person is not None
    person.hours_available += 1
    person.save()


def main() -> None:
    from benchmarks.platform import _load

    _setup()
    from django.test import Client

    start = time.perf_counter()
    loaded = _load({"people": 10_000, "organisations": 1_000})
    _share(loaded["coordinator"])
    print(f"loaded in {time.perf_counter() - start:.1f} s: {loaded['counts']}", file=sys.stderr)
    client = Client()
    client.force_login(loaded["coordinator"])
    cold, warm = [], []
    for _ in range(REPEATS):
        _touch()
        cold.append(_get(client))
        warm.extend(_get(client) for _ in range(5))
    for name, rows in (("cold", cold), ("warm", warm)):
        times = sorted(r[0] * 1000 for r in rows)
        print(
            f"{name}: median {statistics.median(times):.1f} ms, min {times[0]:.1f} ms, "
            f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, "
            f"queries {rows[-1][1]}, page {rows[-1][2] / 1024:.1f} KiB ({len(rows)} requests)"
        )


if __name__ == "__main__":
    main()
