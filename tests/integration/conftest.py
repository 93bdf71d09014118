"""The cast of every privacy test: Alice (admin of Outlier), Bob (member of Outlier) and
Charlie (admin of Rival, a competitor: an outsider to Outlier's private data); and the clock,
pinned for the tests whose outcome depends on the date (instants.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import PLANTED_HOURS, PLANTED_RATE
from django.contrib.auth.models import User
from instants import ORDINARY, TODAY, TURNS

from coopnet.directory import services
from coopnet.directory.models import Membership, Skill


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """The tests collect no static files: plain names, no manifest of hashed ones (`coopnet
    serve`, which collects them, is tested with the manifest in test_serve.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the API's throttles count requests there, by user
    id, and ids are reused from one test's database to the next; and the skills map is kept
    there (and in the process) under a token that a rolled-back test may leave unchanged."""
    from django.core.cache import cache

    from coopnet.common import derived

    cache.clear()
    derived.forget()


@pytest.fixture
def clock(time_machine):
    """The clock pinned to an ordinary day (instants.ORDINARY), ticking on from there; returns
    time-machine's fixture, to move it (`shift`, `move_to`). For every test, and every fixture
    whose data is dated relative to today (instants.TODAY), whose outcome depends on the date."""
    time_machine.move_to(ORDINARY, tick=True)
    return time_machine


@pytest.fixture(params=list(TURNS))
def turn(request, time_machine):
    """Each turn of the calendar in instants.TURNS: the clock stands still (no tick) half a
    minute before midnight until the test moves it, e.g. `time_machine.shift(PAST_MIDNIGHT)`.
    Returns that instant. Instead of `clock` and the fixtures that need it: both set the clock."""
    assert "clock" not in request.fixturenames, "a test takes `turn` or `clock`, not both"
    time_machine.move_to(TURNS[request.param], tick=False)
    return TURNS[request.param]


@pytest.fixture
def skills(db):
    return [Skill.objects.create(slug=s, name=s.title()) for s in ("elixir", "python", "ux-design")]


@pytest.fixture
def coordinator(db):
    """Cora, the network's coordinator."""
    from coopnet.common.models import Coordinator

    user = User.objects.create_user("cora", password="pw-cora-123")
    Coordinator.objects.create(user=user)
    return user


@pytest.fixture
def cast(db, skills):
    alice = User.objects.create_user("alice", password="pw-alice-123")
    bob = User.objects.create_user("bob", password="pw-bob-123")
    charlie = User.objects.create_user("charlie", password="pw-charlie-123")
    outlier = services.organisation_create(
        name="Outlier Co-op", slug="outlier", admin=alice, coordination_cost=Decimal("500")
    )
    Membership.objects.create(user=bob, organisation=outlier, role=Membership.MEMBER)
    services.organisation_create(name="Rival Ltd", slug="rival", admin=charlie)
    person = services.person_create(
        actor=alice,
        organisation_slug="outlier",
        name="Ada Lovelace",
        hours_available=PLANTED_HOURS,
        cost_rate=PLANTED_RATE,
        skills={"elixir": 4},
    )
    return {"alice": alice, "bob": bob, "charlie": charlie, "outlier": outlier, "person": person}


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once, inside the request that enqueues them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def consortium_cast(cast):
    """`cast` grown into a small network for opportunities. Outlier (Ada: Elixir 4) and
    Partner Co-op (Grace: UX 4; Linus: UX 2, a junior who could learn) are the cheapest
    consortium for Elixir 4 + UX 3. Rival (Charlie's) could deliver alone, at a loss; Distant
    has too few Elixir hours. Pat administers Partner Co-op, Quinn is a member; Dee
    administers Distant. `planted` holds private values no other organisation may read."""
    from coopnet.directory.models import NetworkSettings

    users = {
        name: User.objects.create_user(name, password=f"pw-{name}-123")
        for name in ("pat", "quinn", "dee")
    }
    partner = services.organisation_create(
        name="Partner Co-op",
        slug="partner",
        admin=users["pat"],
        coordination_cost=Decimal("211.13"),
    )
    Membership.objects.create(user=users["quinn"], organisation=partner, role=Membership.MEMBER)
    services.organisation_create(name="Distant Co-op", slug="distant", admin=users["dee"])
    people = [
        ("pat", "partner", "Grace Hopper", "98.76", "61.37", {"ux-design": 4}),
        ("pat", "partner", "Linus Torvalds", "87.65", "43.21", {"ux-design": 2, "python": 3}),
        ("charlie", "rival", "Rita Levi", "456.78", "293.19", {"elixir": 5, "ux-design": 3}),
        ("dee", "distant", "Dora Maar", "30.00", "151.17", {"elixir": 4}),
    ]
    everyone = {**cast, **users}
    for admin, slug, name, hours, rate, skills in people:
        services.person_create(
            actor=everyone[admin],
            organisation_slug=slug,
            name=name,
            hours_available=Decimal(hours),
            cost_rate=Decimal(rate),
            skills=skills,
        )
    NetworkSettings.objects.create(commission=Decimal("0.05"))
    planted = ["77.71", "123.45", "98.76", "61.37", "87.65", "43.21", "211.13"]
    planted += ["456.78", "293.19", "151.17", "cost_rate", "hours_available", "coordination"]
    return {**everyone, "partner": partner, "planted": planted}


@pytest.fixture
def post_opportunity(consortium_cast, clock):
    """Post an opportunity through the service: by default Outlier's booking system, which
    needs Elixir 4 for 40 hours and UX 3 for 20, is worth £12,000 and is due in 90 days."""
    from coopnet.opportunities.services import opportunity_create

    def post(actor="alice", organisation="outlier", **fields):
        fields = {
            "title": "Booking system",
            "client": "Acme",
            "value": "12000",
            "deadline": TODAY + dt.timedelta(days=90),
            "requirements": [
                {"skill": "elixir", "min_level": 4, "hours": "40"},
                {"skill": "ux-design", "min_level": 3, "hours": "20"},
            ],
            **fields,
        }
        return opportunity_create(
            actor=consortium_cast[actor], organisation_slug=organisation, **fields
        )

    return post


@pytest.fixture
def form_contract(consortium_cast, post_opportunity, immediate_tasks):
    """Post an opportunity (by default Outlier's booking system), form its cheapest consortium
    (Outlier and Partner Co-op) with every partner accepting, and return the contract."""
    from coopnet.books.models import Contract
    from coopnet.opportunities import services as opportunities

    def form(**fields):
        opportunity = post_opportunity(**fields)
        poster = consortium_cast[fields.get("actor", "alice")]
        opportunities.formation_start(actor=poster, opportunity_id=opportunity.pk)
        proposal = opportunity.proposals.order_by("pk").first()
        for partner in proposal.partners.select_related("organisation"):
            admin = partner.organisation.memberships.filter(role="admin").first().user
            opportunities.proposal_decide(actor=admin, proposal_id=proposal.pk, accept=True)
        return Contract.objects.get(proposal=proposal)

    return form


@pytest.fixture
def full_partner_view(db):
    """The network shows each partner the others' payouts, added values and why (the view
    before issue 11; `NetworkSettings.FULL`), for the tests of how those are shown."""
    from coopnet.directory.models import NetworkSettings

    row = NetworkSettings.objects.order_by("pk").first() or NetworkSettings(pk=1)
    row.partner_view = NetworkSettings.FULL
    row.save()
    return row
