"""The load test's database: one PostgreSQL database per size (`coopnet_load_<people>`),
migrated with the project's migrations and bulk-loaded, then described in a plan (JSON) that
the locustfile reads: who signs in, what each of them may open, which skills to search for.

    python -m benchmarks.load.data --people 10000 --plan plan.json [--fresh]

A database that already holds the same load (same loader version, people, organisations and
seed: PostgreSQL's comment on the database says which) is reused unless `--fresh`; otherwise it
is dropped and created again. Progress goes to stderr. Run in its own process: Django's settings
are read once, from `DATABASE_URL`, which this sets.

What is loaded on top of `benchmarks.network_db.load_network` (the network, five draft
opportunities, a coordinator, mentoring opt-ins, a 20-member shared service):

* `ACCOUNTS` accounts `load-001`... with the password `PASSWORD`, three to each of
  `ACTIVE_ORGANISATIONS` organisations spread over the network (the first its admin, the other
  two members); every tenth is also one of its organisation's people;
* `SHARED` opportunities, one posted by each of those organisations (12 requirements each,
  `generate_opportunities(seed=2)`), with a formation run and one open proposal whose partners
  are the poster and the next two of those organisations, each partner's people assigned to a
  third of the requirements. Every account thus sees three opportunities (its organisation's
  own and two as a partner); and since proposals share them, the skills they ask for are the
  network's demand (`coopnet.mentoring.selectors.demand`: skills asked for by the shared
  opportunities of three organisations or more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from benchmarks.common import progress
from benchmarks.network_db import SEED

#: bump when what is loaded changes, so that an older database is not reused
VERSION = 1
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
ACTIVE_ORGANISATIONS, PER_ORGANISATION = 80, 3
ACCOUNTS = ACTIVE_ORGANISATIONS * PER_ORGANISATION
PARTNERS = 3
SHARED, SHARED_SEED = ACTIVE_ORGANISATIONS, 2
PASSWORD = "load-test-password"
#: how many of the most held skills the searches also ask for, beside the demanded ones
COMMON_SKILLS = 40
NAMES = 50


def database_name(people: int) -> str:
    return f"coopnet_load_{people}"


def database_url(people: int) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{database_name(people)}"


def signature(people: int, organisations: int, seed: int) -> dict[str, Any]:
    return {"loader": VERSION, "people": people, "organisations": organisations, "seed": seed}


# --- the database itself (psycopg, before Django) ----------------------------------------------


def _comment(name: str) -> dict[str, Any] | None:
    """The load's description stored as the database's comment, if it exists and has one."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    if row is None or row[0] is None:
        return None
    try:
        found = json.loads(row[0])
    except json.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None


def _recreate(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _set_comment(name: str, description: dict[str, Any]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(description))
            )
        )


def database_bytes(name: str) -> int:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        row = connection.execute("SELECT pg_database_size(%s)", (name,)).fetchone()
    return int(row[0]) if row else 0


# --- inside Django -----------------------------------------------------------------------------


def _django(url: str, data_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopnet.web.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["COOPNET_DATA_DIR"] = data_dir
    os.environ["COOPNET_DEBUG"] = "0"  # no query log
    import django

    django.setup()


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` shares to the cent, the remainder on the last."""
    share = (total / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def load_extras(loaded: dict[str, Any]) -> dict[str, int]:
    """The accounts, memberships and shared opportunities (see the module's docstring)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from coopnet.directory.models import Membership, Person, Skill
    from coopnet.engine.fairshare import Reason
    from coopnet.engine.synthetic import generate_opportunities
    from coopnet.opportunities.models import (
        Assignment,
        FormationRun,
        Opportunity,
        Proposal,
        ProposalPartner,
        Requirement,
    )
    from coopnet.sharedservices import pricing

    User = get_user_model()
    org_ids: list[int] = loaded["org_ids"]
    step = max(1, len(org_ids) // ACTIVE_ORGANISATIONS)
    active = [org_ids[k * step] for k in range(min(ACTIVE_ORGANISATIONS, len(org_ids)))]
    # one hash for every account: each would otherwise take the hasher's deliberate half second
    hashed = make_password(PASSWORD)
    now = timezone.now()
    with transaction.atomic():
        coordinator = loaded["coordinator"]
        coordinator.password = hashed
        coordinator.save(update_fields=["password"])
        users = User.objects.bulk_create(
            User(username=f"load-{n:03d}", password=hashed, email=f"load-{n:03d}@example.org")
            for n in range(1, PER_ORGANISATION * len(active) + 1)
        )
        memberships = []
        first_person = dict(
            Person.objects.filter(organisation_id__in=active)
            .order_by("organisation_id", "pk")
            .distinct("organisation_id")
            .values_list("organisation_id", "pk")
        )
        linked: list[Person] = []
        for n, user in enumerate(users):
            organisation = active[n // PER_ORGANISATION]
            role = Membership.ADMIN if n % PER_ORGANISATION == 0 else Membership.MEMBER
            memberships.append(Membership(user=user, organisation_id=organisation, role=role))
            if n % 10 == 1 and organisation in first_person:
                linked.append(Person(pk=first_person[organisation], user=user))
        Membership.objects.bulk_create(memberships)
        Person.objects.bulk_update(linked, ["user"])
        progress(f"  {len(users)} accounts in {len(active)} organisations ({len(linked)} linked)")

        specs = generate_opportunities(
            loaded["network"], count=len(active), requirements=12, seed=SHARED_SEED
        )
        skill_pk = dict(Skill.objects.values_list("slug", "pk"))
        admin_of = {m.organisation_id: m.user for m in memberships if m.role == Membership.ADMIN}
        deadline = pricing.next_period(pricing.current_period())
        opportunities = Opportunity.objects.bulk_create(
            Opportunity(
                posted_by_id=organisation,
                finder_id=organisation,
                title=f"{spec['id']} (shared)",
                client=f"Client {k + 1}",
                description="A synthetic opportunity for the load test.",
                value=Decimal(str(spec["value"])),
                commission=Decimal(str(spec.get("commission", 0))),
                deadline=deadline,
                status=Opportunity.PROPOSED,
            )
            for k, (organisation, spec) in enumerate(zip(active, specs, strict=True))
        )
        requirements = Requirement.objects.bulk_create(
            Requirement(
                opportunity=opportunity,
                skill_id=skill_pk[r["skill"]],
                min_level=r["min_level"],
                hours=Decimal(str(r["hours"])),
            )
            for opportunity, spec in zip(opportunities, specs, strict=True)
            for r in spec["requirements"]
        )
        runs = FormationRun.objects.bulk_create(
            FormationRun(
                opportunity=opportunity,
                started_by=admin_of[opportunity.posted_by_id],
                status=FormationRun.DONE,
                progress=100,
                message="1 consortium proposed.",
                started=now,
                finished=now,
            )
            for opportunity in opportunities
        )
        proposals = Proposal.objects.bulk_create(
            Proposal(
                opportunity=opportunity,
                run=run,
                kind=Proposal.CHEAPEST,
                cost=(opportunity.value * Decimal("0.7")).quantize(Decimal("0.01")),
                in_core=True,
            )
            for opportunity, run in zip(opportunities, runs, strict=True)
        )
        by_opportunity: dict[int, list[Any]] = {}
        for requirement in requirements:
            by_opportunity.setdefault(requirement.opportunity_id, []).append(requirement)
        partners_of = {
            proposal.pk: [active[(k + j) % len(active)] for j in range(PARTNERS)]
            for k, proposal in enumerate(proposals)
        }
        people_of: dict[int, list[int]] = {}
        for organisation, person in (
            Person.objects.filter(organisation_id__in=active)
            .order_by("pk")
            .values_list("organisation_id", "pk")
        ):
            people_of.setdefault(organisation, []).append(person)
        assignments, hours = [], {}
        for proposal, opportunity in zip(proposals, opportunities, strict=True):
            partners = partners_of[proposal.pk]
            for j, requirement in enumerate(by_opportunity[opportunity.pk]):
                organisation = partners[j % PARTNERS]
                staff = people_of.get(organisation) or people_of[partners[0]]
                assignments.append(
                    Assignment(
                        proposal=proposal,
                        person_id=staff[j % len(staff)],
                        organisation_id=organisation,
                        skill_id=requirement.skill_id,
                        requirement=requirement,
                        hours=requirement.hours,
                    )
                )
                key = (proposal.pk, organisation)
                hours[key] = hours.get(key, Decimal(0)) + requirement.hours
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        partner_rows = []
        for proposal, opportunity in zip(proposals, opportunities, strict=True):
            payouts = _split(opportunity.distributable, PARTNERS)
            for organisation, payout in zip(partners_of[proposal.pk], payouts, strict=True):
                own_cost = (payout * Decimal("0.7")).quantize(Decimal("0.01"))
                partner_rows.append(
                    ProposalPartner(
                        proposal=proposal,
                        organisation_id=organisation,
                        payout=payout,
                        shapley_payout=payout,
                        added_value=(payout / 2).quantize(Decimal("0.01")),
                        reason=Reason.OTHERS_COSTLIER.value,
                        hours=hours.get((proposal.pk, organisation), Decimal(0)),
                        own_cost=own_cost,
                        surplus_share=payout - own_cost,
                    )
                )
        ProposalPartner.objects.bulk_create(partner_rows)
        progress(
            f"  {len(opportunities)} shared opportunities with proposals "
            f"({len(requirements)} requirements, {len(assignments)} assignments)"
        )
    return {"accounts": len(users), "shared_opportunities": len(opportunities)}


def plan(password: str) -> dict[str, Any]:
    """What the locustfile needs, read back from the database (so that a reused database
    gives the same plan as a fresh one)."""
    import random

    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from coopnet.directory.models import Organisation, Person, Skill
    from coopnet.mentoring.selectors import demand
    from coopnet.opportunities.selectors import visible_opportunities
    from coopnet.sharedservices.models import SharedService

    accounts = []
    for user in get_user_model().objects.filter(username__startswith="load-").order_by("username"):
        accounts.append(
            {
                "username": user.username,
                "opportunities": sorted(
                    visible_opportunities(user).values_list("pk", flat=True).distinct()
                ),
            }
        )
    demanded = sorted(demand())
    common = list(
        Skill.objects.annotate(held=Count("holders"))
        .order_by("-held", "slug")
        .values_list("slug", flat=True)[:COMMON_SKILLS]
    )
    names = list(Person.objects.order_by("pk").values_list("name", flat=True)[: NAMES * 20])
    return {
        "password": password,
        "accounts": accounts,
        "demanded_skills": demanded,
        "common_skills": common,
        "organisations": list(Organisation.objects.order_by("pk").values_list("slug", flat=True)),
        "names": random.Random(SEED).sample(names, min(NAMES, len(names))),
        "services": list(SharedService.objects.order_by("slug").values_list("slug", flat=True)),
    }


def counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from coopnet.directory.models import Membership, Organisation, Person, PersonSkill
    from coopnet.opportunities.models import Opportunity, ProposalPartner, Requirement
    from coopnet.sharedservices.models import Enrolment

    return {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "person_skills": PersonSkill.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "requirements": Requirement.objects.count(),
        "proposal_partners": ProposalPartner.objects.count(),
        "enrolments": Enrolment.objects.count(),
    }


def prepare(
    people: int, organisations: int, seed: int, fresh: bool, data_dir: str
) -> dict[str, Any]:
    """Make the size's database ready (reused or loaded) and return the plan and the facts."""
    name = database_name(people)
    wanted = signature(people, organisations, seed)
    found = _comment(name)
    reuse = not fresh and found is not None and {k: found.get(k) for k in wanted} == wanted
    _django(database_url(people), data_dir)
    from django.core.management import call_command

    from benchmarks.network_db import load_network

    timings: dict[str, Any]
    if reuse:
        assert found is not None
        progress(f"[load] reusing {name} (loaded {found.get('loaded')}; --fresh to reload)")
        call_command("migrate", interactive=False, verbosity=0)  # new migrations, if any
        timings = {k: found.get(k) for k in ("loaded", "migrate_seconds", "load_seconds")}
    else:
        progress(f"[load] creating {name}")
        _recreate(name)
        start = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        migrated = time.perf_counter()
        progress(f"  migrated in {migrated - start:.1f} s")
        loaded = load_network(people=people, organisations=organisations, seed=seed, say=progress)
        load_extras(loaded)
        done = time.perf_counter()
        timings = {
            "loaded": dt.datetime.now(dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "migrate_seconds": round(migrated - start, 1),
            "load_seconds": round(done - migrated, 1),
        }
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give them soon
        _set_comment(name, wanted | timings)
        progress(f"  loaded in {done - migrated:.1f} s")
    from django.db import connections

    result = {
        "database": name,
        "reused": reuse,
        **timings,
        "counts": counts(),
        "plan": plan(PASSWORD),
    }
    connections.close_all()
    result["database_bytes"] = database_bytes(name)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load.data", description=__doc__)
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--fresh", action="store_true", help="drop and load again")
    parser.add_argument("--data-dir", required=True, help="COOPNET_DATA_DIR for Django")
    parser.add_argument("--output", type=Path, required=True, help="where to write the JSON")
    args = parser.parse_args(argv)
    result = prepare(args.people, args.organisations, args.seed, args.fresh, args.data_dir)
    args.output.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
