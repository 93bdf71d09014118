"""A realistic demo network for `coopnet demo`: co-ops, firms and freelancers, their people and
skills, an admin login per organisation and a network coordinator.

The network comes from the synthetic generator (coopnet.engine.synthetic), so its sizes,
skills and rates look like a real network's; the skill taxonomy is loaded whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from coopnet.books import demo as books_demo
from coopnet.clients import demo as clients_demo
from coopnet.common.models import Coordinator
from coopnet.directory import services
from coopnet.directory.models import Membership, NetworkSettings, Skill
from coopnet.engine.synthetic import generate_network, generate_opportunities, load_skills
from coopnet.jointbids import demo as jointbids_demo
from coopnet.mentoring import demo as mentoring_demo
from coopnet.offerings import demo as offerings_demo
from coopnet.sharedservices import demo as sharedservices_demo

DEMO_PASSWORD = "coopnet-demo"
#: the clients the demo's opportunities are for (and its invoices are made out to)
CLIENTS = (
    "Riverside Housing Co-op",
    "Northfield Food Network",
    "Eastgate Community Theatre",
    "Harbour Credit Union",
    "Millbrook Parish Council",
    "Greenway Energy Co-op",
    "Westside Youth Trust",
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organisation: str


@transaction.atomic
def seed_directory(*, people: int = 60, organisations: int = 9, seed: int = 7) -> list[Login]:
    """Fill an empty database with the demo network; returns the logins created."""
    Skill.objects.bulk_create(
        [Skill(slug=s.id, name=s.name, family=s.family) for s in load_skills()],
        ignore_conflicts=True,
    )
    NetworkSettings.objects.get_or_create(pk=1, defaults={"commission": Decimal("0.05")})
    coordinator = User.objects.create_user("coordinator", password=DEMO_PASSWORD)
    Coordinator.objects.create(user=coordinator)
    logins = [Login("coordinator", "network coordinator", "the network")]
    network = generate_network(people=people, organisations=organisations, seed=seed)
    admins: dict[str, tuple[User, str]] = {}
    for org in network["organisations"]:
        username = slugify(org["name"]).replace("-", "")[:20] or org["id"]
        admin = User.objects.create_user(username, password=DEMO_PASSWORD)
        services.organisation_create(
            name=org["name"],
            slug=slugify(org["name"])[:80],
            admin=admin,
            coordination_cost=Decimal(str(org["coordination_cost"])),
        )
        admins[org["id"]] = (admin, slugify(org["name"])[:80])
        logins.append(Login(username, "organisation admin", org["name"]))
    for person in network["people"]:
        admin, slug = admins[person["org"]]
        services.person_create(
            actor=admin,
            organisation_slug=slug,
            name=_person_name(person["id"]),
            hours_available=person["hours"],
            cost_rate=person["cost_rate"],
            skills=person["skills"],
        )
    _add_a_member(logins)
    _seed_opportunities(network, admins)
    mentoring_demo.seed_demo()
    sharedservices_demo.seed_demo()
    books_demo.seed_demo()
    offerings_demo.seed_demo()
    clients_demo.seed_demo()
    jointbids_demo.seed_demo()
    return logins


#: contracts the demo forms: the books' demo takes them through every stage of their money
FORMED = 5


def _seed_opportunities(network: dict[str, Any], admins: dict[str, tuple[User, str]]) -> None:
    """Opportunities in different states, posted by the organisations in turn: one posted, one
    proposed (partners to decide), then formed (every partner accepted) until FORMED contracts
    are: one the network cannot staff once the others hold their people's hours stays
    infeasible, as it would."""
    found = generate_opportunities(network, count=FORMED + 6, requirements=5, seed=11)
    posters = list(admins.values())
    formed = 0
    for k, spec in enumerate(found):
        if formed == FORMED:
            break
        admin, slug = posters[k % len(posters)]
        opportunity = _post(spec, admin, slug, CLIENTS[k % len(CLIENTS)])
        if k == 0:  # posted, no consortium sought yet
            continue
        if _form(opportunity, admin) and k > 1:
            _every_partner_accepts(opportunity)
            formed += 1


def _post(spec: dict[str, Any], admin: User, slug: str, client: str) -> Any:
    import datetime as dt

    from coopnet.opportunities import services as opportunity_services

    return opportunity_services.opportunity_create(
        actor=admin,
        organisation_slug=slug,
        title=spec["id"].replace("-", " ").capitalize(),
        value=spec["value"],
        deadline=timezone.localdate() + dt.timedelta(days=45),
        requirements=[
            {"skill": r["skill"], "min_level": r["min_level"], "hours": r["hours"]}
            for r in spec["requirements"]
        ],
        client=client,
    )


def _form(opportunity: Any, admin: User) -> bool:
    """Seek a consortium for `opportunity`: True if one was proposed."""
    from coopnet.opportunities import services as opportunity_services
    from coopnet.opportunities.formation import formation_execute
    from coopnet.opportunities.models import Opportunity

    run = opportunity_services.formation_start(actor=admin, opportunity_id=opportunity.pk)
    formation_execute(run_id=run.pk)
    opportunity.refresh_from_db()
    return bool(opportunity.status == Opportunity.PROPOSED)


def _every_partner_accepts(opportunity: Any) -> None:
    """The first proposal for `opportunity` accepted by an admin of each partner: formed."""
    from coopnet.opportunities import services as opportunity_services
    from coopnet.opportunities.models import ProposalPartner

    proposal = opportunity.proposals.order_by("pk").first()
    assert proposal is not None
    for partner in ProposalPartner.objects.filter(proposal=proposal):
        partner_admin = partner.organisation.memberships.filter(role=Membership.ADMIN).first()
        assert partner_admin is not None
        opportunity_services.proposal_decide(
            actor=partner_admin.user, proposal_id=proposal.pk, accept=True
        )


_FIRST = ("Ada", "Bola", "Chen", "Dara", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jo", "Kofi", "Lena")
_LAST = ("Okafor", "Smith", "Nguyen", "Patel", "Kowalski", "Garcia", "Murphy", "Haddad", "Berg")


def _person_name(person_id: str) -> str:
    k = int(person_id.lstrip("p"))
    return f"{_FIRST[k % len(_FIRST)]} {_LAST[(k // len(_FIRST)) % len(_LAST)]} {k}"


def _add_a_member(logins: list[Login]) -> None:
    """A plain member login in the largest organisation, to show what members see: it is one
    of the organisation's people, so it keeps its own hours and skills."""
    from coopnet.directory.models import Organisation

    biggest = max(Organisation.objects.all(), key=lambda o: o.people.count())
    person = biggest.people.filter(user__isnull=True).order_by("pk").first()
    first, last = [*person.name.split(), "", ""][:2] if person else ("", "")
    member = User.objects.create_user(
        "member", password=DEMO_PASSWORD, first_name=first, last_name=last
    )
    Membership.objects.create(user=member, organisation=biggest, role=Membership.MEMBER)
    if person is not None:
        person.user = member
        person.save(update_fields=["user"])
    logins.append(Login("member", "member", biggest.name))
