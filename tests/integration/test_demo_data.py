import pytest

from coopnet.directory.models import Organisation, Person, Skill
from coopnet.web.demo_data import seed_directory

# the demo's opportunities, sessions, scores and fees are dated from today
pytestmark = pytest.mark.usefixtures("clock")


@pytest.mark.django_db
def test_demo_network_is_realistic_and_has_logins():
    logins = seed_directory(people=40, organisations=6, seed=3)
    assert Organisation.objects.count() == 6
    assert Person.objects.count() == 40
    assert Skill.objects.count() > 300
    roles = {login.role for login in logins}
    assert roles == {"network coordinator", "organisation admin", "member"}
    assert all(p.skills.exists() for p in Person.objects.all())
    # the member login is one of its organisation's people: it keeps its own hours and skills
    member = Person.objects.get(user__username="member")
    assert member.organisation.memberships.filter(user__username="member").exists()


@pytest.mark.django_db
def test_demo_has_opportunities_in_different_states(settings):
    from coopnet.opportunities.models import Opportunity

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_directory(people=60, organisations=9, seed=7)
    states = set(Opportunity.objects.values_list("status", flat=True))
    assert {"draft", "formed"} <= states
    assert len(states) >= 3
    # skills are named as people name them, never by their ids ("user-research")
    slugs = {slug for slug, name in Skill.objects.values_list("slug", "name") if slug != name}
    for title, client in Opportunity.objects.values_list("title", "client"):
        assert not slugs & set(title.replace(":", " ").split()), title
        assert client, title
        assert client != "Demo client", title


@pytest.mark.django_db
def test_demo_books_hold_every_stage_of_the_money(settings):
    from django.db.models import Sum

    from coopnet.books import selectors
    from coopnet.books.models import BankAccount, Contract, Invoice, Payout, Posting, ServiceMonth

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_directory(people=60, organisations=9, seed=7)
    commission = Posting.objects.filter(account__name="Income:Commission").aggregate(
        t=Sum("amount")
    )
    assert selectors.cents(commission["t"]) < 0  # a credit: the network's income
    assert Payout.objects.values("organisation").distinct().count() >= 2
    assert BankAccount.objects.count() == Organisation.objects.count()
    assert Invoice.objects.filter(kind=Invoice.CREDIT_NOTE).count() == 1
    states = sorted(_state(i) for i in Invoice.objects.filter(kind=Invoice.INVOICE))
    assert states == ["credited", "paid", "partly paid", "unpaid", "unpaid"]
    assert ServiceMonth.objects.filter(fees__isnull=False).count() >= 2
    statuses = sorted(Contract.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "completed", "completed", "completed", "running"]
    two = Contract.objects.get(status=Contract.RUNNING)
    assert [m.delivered is not None for m in two.milestones.all()] == [True, False]
    assert selectors.cents(Posting.objects.aggregate(t=Sum("amount"))["t"]) == 0


def _state(invoice):
    from coopnet.books import selectors

    if selectors.invoice_credited(invoice):
        return "credited"
    if selectors.invoice_outstanding(invoice) == 0:
        return "paid"
    return "partly paid" if selectors.invoice_received(invoice) else "unpaid"


@pytest.mark.django_db
def test_demo_offerings_compare_with_overlap_and_complement(settings):
    from django.contrib.auth.models import User
    from django.db.models import Count

    from coopnet.offerings import selectors
    from coopnet.offerings.models import Offering

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_directory(people=60, organisations=9, seed=7)
    assert Organisation.objects.filter(public=True).count() == 1
    firsts = Offering.objects.filter(name="Build and launch").order_by("organisation__name")
    assert firsts.count() == 9
    # the first offerings that draw on the network's most widely held skill compete on it
    shared = firsts.values("skills__slug").annotate(n=Count("pk")).order_by("-n", "skills__slug")
    competing = firsts.filter(skills__slug=shared[0]["skills__slug"])[:2]
    found = selectors.comparison(User.objects.get(username="member"), [o.pk for o in competing])
    (pair,) = found.pairs
    assert pair.competes
    assert pair.only_first
    assert pair.only_second
    assert found.bundles[0].partners


@pytest.mark.django_db
def test_demo_client_requests_arrive_through_the_front_door(settings):
    from coopnet.clients.models import ClientRequest

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_directory(people=60, organisations=9, seed=7)
    states = dict(ClientRequest.objects.values_list("organisation", "status"))
    assert states == {"Riverside Surgery": "new", "Northfield Housing Co-op": "passed",
                      "Hillside Food Bank": "opportunity"}  # fmt: skip
    passed = ClientRequest.objects.get(status="passed")
    assert passed.passed_to.exists()
    turned = ClientRequest.objects.get(status="opportunity")
    assert turned.opportunity is not None
    assert turned.opportunity.finder is None
