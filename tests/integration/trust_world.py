"""The world of the authorization matrix (test_trust_matrix.py): a small network with every kind
of object one organisation can own, built once per module through the real services, and the
seven people who look at it.

Outlier ("A") owns the data: Alice administers it, Bob is a member. Rival ("B") is a competitor:
Charlie administers it, Rick is a member. Partner Co-op ("C") is Outlier's partner in a formed
consortium: Pat administers it. Cora coordinates the network. Outlier's private fields hold
canaries: unusual values that must never reach anyone not entitled to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from unittest import mock

import time_machine
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from instants import ORDINARY, TODAY

from coopnet.books import details, settlement
from coopnet.books import services as books
from coopnet.books.models import Contract
from coopnet.clients import services as clients
from coopnet.common.models import ApiToken, Coordinator
from coopnet.directory import services as directory
from coopnet.directory.models import Membership, NetworkSettings, Skill
from coopnet.jointbids import services as jointbids
from coopnet.mentoring import selectors as mentoring_selectors
from coopnet.mentoring import services as mentoring
from coopnet.notifications.models import FORMED
from coopnet.notifications.services import notify
from coopnet.offerings import services as offerings
from coopnet.opportunities import services as opportunities
from coopnet.sharedservices import services as shared

#: the seven actors, in the order the matrix asks them (outsiders first)
ACTORS = ("anonymous", "charlie", "rick", "pat", "bob", "cora", "alice")

IBAN, BIC = "GB33BUKB20201555555555", "BUKBGB22"

#: Outlier's private values: canary -> who may read it (beside Outlier's admin, Alice)
CANARIES: dict[str, frozenset[str]] = {
    "77.71": frozenset({"bob"}),  # Ada's cost rate
    "123.45": frozenset({"bob"}),  # Ada's hours
    "345.67": frozenset({"bob"}),  # Outlier's coordination cost
    IBAN: frozenset({"cora"}),  # Outlier's bank account: its admins and the coordinator
    "Zanzibar ledger rewrite": frozenset({"bob"}),  # a draft opportunity's title
    "Quokka Holdings": frozenset({"bob"}),  # the draft's client
    "zq-outlier-deploy-key": frozenset(),  # the name of Alice's API token
    "2718.28": frozenset({"bob", "cora"}),  # Outlier's cost of running IT support alone
    "Mentoring notes: the kraken": frozenset({"bob", "cora"}),  # notes of a session inside Outlier
    # a client's request passed to Outlier: the coordinator and Outlier's admins read it
    "Wombat Clinics": frozenset({"cora"}),  # the client's name
    "zq-wombat@clinics.example": frozenset({"cora"}),  # its contact's e-mail
    "Numbat Health": frozenset({"cora"}),  # another client's, passed to no one: Cora's alone
}


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, Any] = field(default_factory=dict)  # path parameter -> A's object
    tokens: dict[str, str] = field(default_factory=dict)  # actor -> bearer key
    clients: dict[str, Any] = field(default_factory=dict)  # actor -> session cookies

    def ids_for(self, template: str, variant: str) -> dict[str, Any]:
        """The path parameters for `template`: Outlier's objects; where two kinds of object
        share a parameter's name, the one the path means."""
        ids = dict(self.ids)
        if variant == "@formed":
            ids["opportunity_id"] = ids["formed_opportunity_id"]
        if template.startswith("/books/payouts/"):
            ids["run_id"] = ids["run_id_books"]
        if "/wishes/" in template:
            ids["pk"] = ids["wish_id"]
        if template.startswith(("/services/", "/api/services/")):
            ids["slug"] = ids["service_slug"]
        return ids

    def hints(self) -> dict[str, Any]:
        """Values for a request body's fields, by name: Outlier's objects and plain values
        that its admin would be allowed to send."""
        person = self.ids["person_id"]
        return {"organisation": "outlier", "skill": "elixir", "mentor": person,
                "learner": self.ids["learner_id"], "person": person, "hours": "1",
                "period": "2026-06", "accept": False, "reason": "no", "amount": "1.00",
                "iban": IBAN, "holder": "x", "name": "New name", "session_hours": 1}  # fmt: skip


def _user(name: str) -> User:
    return User.objects.create_user(name, password=f"pw-{name}-123")


def _people(users: dict[str, User]) -> dict[str, Any]:
    for slug in ("elixir", "python", "ux-design", "fortran"):
        Skill.objects.create(slug=slug, name=slug.title())
    org = directory.organisation_create
    outlier = org(name="Outlier Co-op", slug="outlier", admin=users["alice"],
                  coordination_cost=Decimal("345.67"))  # fmt: skip
    org(name="Rival Ltd", slug="rival", admin=users["charlie"])
    org(name="Partner Co-op", slug="partner", admin=users["pat"])
    Membership.objects.create(user=users["bob"], organisation=outlier, role=Membership.MEMBER)
    rival = outlier.__class__.objects.get(slug="rival")
    Membership.objects.create(user=users["rick"], organisation=rival, role=Membership.MEMBER)
    people = [
        ("alice", "outlier", "Ada Lovelace", "123.45", "77.71", {"elixir": 4, "python": 4}),
        ("alice", "outlier", "Alan Turing", "60", "55", {"python": 2}),
        ("pat", "partner", "Grace Hopper", "98", "61", {"ux-design": 4}),
        ("charlie", "rival", "Rita Levi", "456", "293", {"elixir": 5, "ux-design": 3}),
    ]
    made = {}
    for admin, slug, name, hours, rate, skills in people:
        made[name] = directory.person_create(
            actor=users[admin], organisation_slug=slug, name=name,
            hours_available=Decimal(hours), cost_rate=Decimal(rate), skills=skills,
        )  # fmt: skip
    return made


def _contract(users: dict[str, User], deadline: dt.date) -> Contract:
    opportunity = opportunities.opportunity_create(
        actor=users["alice"], organisation_slug="outlier", title="Booking system",
        client="Acme", value="12000", deadline=deadline,
        requirements=[{"skill": "elixir", "min_level": 4, "hours": "40"},
                      {"skill": "ux-design", "min_level": 3, "hours": "20"}],
    )  # fmt: skip
    opportunities.formation_start(actor=users["alice"], opportunity_id=opportunity.pk)
    proposal = opportunity.proposals.order_by("pk").first()
    assert proposal is not None
    for partner in proposal.partners.select_related("organisation"):
        admin = partner.organisation.memberships.filter(role="admin").first()
        assert admin is not None
        opportunities.proposal_decide(actor=admin.user, proposal_id=proposal.pk, accept=True)
    return Contract.objects.get(proposal=proposal)


def _books(world: World, contract: Contract, today: dt.date) -> None:
    users = world.users
    for slug, admin in (("outlier", "alice"), ("partner", "pat")):
        details.bank_account_set(actor=users[admin], organisation_slug=slug,
                                 holder=slug.title(), iban=IBAN if slug == "outlier"
                                 else "GB94BARC10201530093459", bic=BIC)  # fmt: skip
    milestone = contract.milestones.order_by("position").first()
    assert milestone is not None
    invoice = books.milestone_deliver(actor=users["alice"], milestone_id=milestone.pk)
    payment = settlement.payment_record(actor=users["cora"], invoice_id=invoice.pk,
                                        amount=str(invoice.gross), reference="x")  # fmt: skip
    run = settlement.payout_run(actor=users["cora"], reference="June")
    assert run is not None
    world.ids.update(contract_id=contract.pk, milestone_id=milestone.pk, invoice_id=invoice.pk,
                     entry_id=payment.entry_id, run_id_books=run.pk)  # fmt: skip


def _services(world: World, today: dt.date) -> None:
    users = world.users
    # joined two months ago, so that Outlier is a member today (and may leave)
    joined = today - dt.timedelta(days=62)
    service = shared.service_create(actor=users["cora"], name="IT support", fixed_cost="1000",
                                    today=joined)  # fmt: skip
    for slug, admin, cost in (("outlier", "alice", "2718.28"), ("rival", "charlie", "900")):
        shared.enrolment_set(actor=users[admin], service_slug=service.slug,
                             organisation_slug=slug, alone_cost=cost, today=joined)  # fmt: skip
    world.ids["service_slug"] = service.slug


def _mentoring(world: World, people: dict[str, Any], today: dt.date) -> None:
    users = world.users
    for slug, admin in (("outlier", "alice"), ("rival", "charlie")):
        mentoring.opt_in_set(actor=users[admin], organisation_slug=slug, opted_in=True)
    ada, alan = people["Ada Lovelace"], people["Alan Turing"]
    wish = mentoring.wish_add(actor=users["alice"], person_id=alan.pk, skill="elixir")
    mentoring.mentor_hours_set(actor=users["alice"], person_id=ada.pk, hours="7")
    session = mentoring.session_record(
        actor=users["alice"], mentor_id=ada.pk, learner_id=alan.pk, skill="python", hours="2",
        date=today, notes="Mentoring notes: the kraken",
    )  # fmt: skip
    plan = mentoring.plan_compute(actor=users["cora"])
    pairing = plan.pairings.order_by("pk").first()
    world.ids.update(wish_id=wish.pk, session_id=session.pk, learner_id=alan.pk,
                     pairing_id=pairing.pk if pairing else 0)  # fmt: skip


def _offerings(world: World) -> None:
    """Outlier describes itself with a public profile (anyone may read it: none of its
    canaries may be on it) and sells one offering; Rival sells another."""
    users = world.users
    directory.organisation_describe(
        actor=users["alice"], organisation_slug="outlier", description="Booking systems.",
        kind="worker_coop", location="Leeds", website="https://outlier.example", public=True,
    )  # fmt: skip
    offering = offerings.offering_create(
        actor=users["alice"], organisation_slug="outlier", name="Booking systems",
        skills=["elixir", "python"], price_low="5000", price_high="9000", lead_time_days=14,
    )  # fmt: skip
    offerings.offering_create(
        actor=users["charlie"], organisation_slug="rival", name="Data work", skills=["elixir"]
    )
    world.ids["offering_id"] = offering.pk


def _client_requests(world: World, today: dt.date) -> None:
    """A client asks for Elixir work through the front door; the coordinator passes it to
    Outlier. Another client's request is passed to no one."""
    deadline = today + dt.timedelta(days=45)
    passed = clients.client_request_submit(
        organisation="Wombat Clinics", contact_name="Wendy Bat", email="zq-wombat@clinics.example",
        needs="Clinic bookings", deadline=deadline, skills=["elixir"], budget="8000",
    )  # fmt: skip
    clients.client_request_pass(actor=world.users["cora"], request_id=passed.pk,
                                organisation_slugs=["outlier"])  # fmt: skip
    clients.client_request_submit(
        organisation="Numbat Health", contact_name="Ned Bat", email="ned@numbat.example",
        needs="Data work", deadline=deadline, skills=["python"],
    )  # fmt: skip
    world.ids["request_id"] = passed.pk


def _joint_bid(world: World, draft: Any, today: dt.date) -> None:
    """Rival pursues the client of Outlier's draft (the same tender reference) and proposes a
    joint bid, which Outlier has not answered: Rival must learn nothing of Outlier's draft."""
    users = world.users
    jointbids.pursuit_update(actor=users["alice"], opportunity_id=draft.pk,
                             tender_reference="ZQ-7/2026")  # fmt: skip
    own = opportunities.opportunity_create(
        actor=users["charlie"], organisation_slug="rival", title="Rival's tender",
        client="Northern Widgets", value="5000", deadline=today + dt.timedelta(days=60),
        requirements=[{"skill": "fortran", "min_level": 3, "hours": "33"}],
    )  # fmt: skip
    jointbids.pursuit_update(actor=users["charlie"], opportunity_id=own.pk,
                             tender_reference="zq 7 2026")  # fmt: skip
    bid = jointbids.joint_bid_propose(actor=users["charlie"], opportunity_id=own.pk)
    world.ids["joint_bid_id"] = bid.pk


def build_world(today: dt.date) -> World:
    """Everything, through the services (the tasks run at once), as of `today`."""
    names = ["alice", "bob", "charlie", "rick", "pat", "cora"]
    world = World(users={name: _user(name) for name in names})
    Coordinator.objects.create(user=world.users["cora"])
    NetworkSettings.objects.create(commission=Decimal("0.05"))
    people = _people(world.users)
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        contract = _contract(world.users, today + dt.timedelta(days=90))
    draft = opportunities.opportunity_create(
        actor=world.users["alice"], organisation_slug="outlier", title="Zanzibar ledger rewrite",
        client="Quokka Holdings", value="4321", deadline=today + dt.timedelta(days=60),
        requirements=[{"skill": "fortran", "min_level": 3, "hours": "33"}],
    )  # fmt: skip
    _books(world, contract, today)
    _services(world, today)
    _mentoring(world, people, today)
    _offerings(world)
    _client_requests(world, today)
    _joint_bid(world, draft, today)
    proposal = contract.proposal
    world.ids.update(
        slug="outlier", org_slug="outlier", organisation="outlier",
        person_id=people["Ada Lovelace"].pk, opportunity_id=draft.pk,
        formed_opportunity_id=proposal.opportunity_id, proposal_id=proposal.pk,
        run_id=proposal.run_id, pk=world.ids["pairing_id"], token="bad-token",
        uidb64=urlsafe_base64_encode(force_bytes(world.users["alice"].pk)),
    )  # fmt: skip
    for name, user in world.users.items():
        label = "zq-outlier-deploy-key" if name == "alice" else f"{name}-script"
        world.tokens[name] = ApiToken.issue(user, label)[1]
    # an invitation to Outlier that Charlie (an existing account) has not answered: his alone
    from coopnet.directory.services import invitation_make

    charlie = world.users["charlie"]
    charlie.email = "charlie@rival.example"
    charlie.save(update_fields=["email"])
    invitation_make(inviter=world.users["alice"], organisation=people["Ada Lovelace"].organisation,
                    email=charlie.email, role="member", site_url="http://testserver")  # fmt: skip
    from coopnet.directory.models import Invitation

    world.ids["invitation_id"] = Invitation.objects.order_by("-pk").values_list("pk", flat=True)[0]
    # a notification of Alice's own, to mark read: hers alone
    told = notify(recipients=[world.users["alice"]], kind=FORMED, text="A consortium formed.",
                  link=f"/opportunities/{proposal.opportunity_id}/")  # fmt: skip
    world.ids["notification_id"] = told[0].pk
    # a token of Alice's own, to revoke: its owner's alone
    world.ids["token_id"] = ApiToken.objects.filter(user=world.users["alice"]).first().pk
    return world


@contextmanager
def world_for_module(django_db_blocker: Any) -> Iterator[World]:
    """The world for a module's tests (a module-scoped fixture's body): built once, in a
    transaction rolled back at the module's end, with the clock on an ordinary day and fast
    password hashing; each test's own changes roll back in a savepoint (pytest-django)."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    clock = time_machine.travel(ORDINARY, tick=True)
    # the world's one shared opportunity is enough demand for a mentoring plan (a real
    # network needs three organisations asking: test_leaks_demand tests that rule)
    demand = mock.patch.object(mentoring_selectors, "MIN_ORGANISATIONS_FOR_DEMAND", 1)
    with django_db_blocker.unblock(), clock, fast, demand, transaction.atomic():
        built = build_world(TODAY)
        for name, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.clients[name] = client.cookies
        yield built
        transaction.set_rollback(True)
