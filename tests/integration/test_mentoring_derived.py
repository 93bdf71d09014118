"""Issue 12: the network's skills map is computed once per change, not per request, and read
from the cache under a version that every committed change to its inputs renews. These tests
commit for real (transactional), as the server does, so that the versions change as they do
there: a change shows on the next read, whichever way it was made; a read between changes
computes nothing; a write that skips the model signals and announces nothing is not seen (the
cache is really read); and the demand window moves on without a write."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for, share
from django.db import connection, transaction
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from instants import TODAY

from coopnet.common import derived
from coopnet.directory import csv_io
from coopnet.directory import services as directory
from coopnet.directory.models import Organisation, Person, PersonSkill, Skill
from coopnet.directory.signals import network_changed
from coopnet.mentoring import selectors
from coopnet.opportunities.models import Opportunity
from coopnet.opportunities.services import opportunity_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def _rows(user):
    body = client_for(user).get("/api/skills/map").json()
    return body, {row["skill"]: row for row in body["skills"]}


def _post(cast, actor, organisation, skill, hours):
    return opportunity_create(
        actor=cast[actor],
        organisation_slug=organisation,
        title=f"{organisation} asks for {skill}",
        value="5000",
        deadline=TODAY + dt.timedelta(days=30),
        requirements=[{"skill": skill, "min_level": 3, "hours": hours}],
    )


def _three_share_fortran(cast):
    """Opportunities of Outlier, Rival and Partner asking for Fortran, 33 + 7 + 3 hours, each
    shared with another organisation: Fortran's 43 hours count."""
    Skill.objects.create(slug="fortran", name="Fortran")
    partner, rival = cast["partner"], Organisation.objects.get(slug="rival")
    share(_post(cast, "alice", "outlier", "fortran", "33"), partner)
    share(_post(cast, "charlie", "rival", "fortran", "7"), partner)
    share(_post(cast, "pat", "partner", "fortran", "3"), rival)


def _map_queries(user):
    """The queries of one GET /skills/ that read people or their skills."""
    with CaptureQueriesContext(connection) as queries:
        assert client_for(user).get("/skills/").status_code == 200
    return [q["sql"] for q in queries if "directory_personskill" in q["sql"]]


def test_a_read_between_changes_computes_nothing(consortium_cast):
    assert _map_queries(consortium_cast["dee"])  # the first computes
    assert _map_queries(consortium_cast["dee"]) == []
    assert _map_queries(consortium_cast["charlie"]) == []  # the map is the same for everyone


def test_changed_hours_show_on_the_next_read(consortium_cast):
    _, before = _rows(consortium_cast["dee"])
    assert before["elixir"]["free_hours"] == "610.23"  # Ada 123.45, Rita 456.78, Dora 30
    dora = Person.objects.get(name="Dora Maar")
    directory.person_update(actor=consortium_cast["dee"], person_id=dora.pk, hours_available=100)
    _, after = _rows(consortium_cast["dee"])
    assert after["elixir"]["free_hours"] == "680.23"


def test_a_changed_level_shows_on_the_next_read(consortium_cast):
    _, before = _rows(consortium_cast["dee"])
    assert before["python"]["bus_factor"] == 1  # Linus
    rita = Person.objects.get(name="Rita Levi")
    skills = {"elixir": 5, "ux-design": 3, "python": 4}
    directory.person_update(actor=consortium_cast["charlie"], person_id=rita.pk, skills=skills)
    _, after = _rows(consortium_cast["dee"])
    assert after["python"]["bus_factor"] == 2


def test_the_snapshot_of_a_level_change_computes_the_map_the_next_page_reads(consortium_cast):
    """A level change takes a score snapshot once it commits: of the new map, which the next
    page then reads without computing it again."""
    from coopnet.mentoring.models import ScoreSnapshot

    rita = Person.objects.get(name="Rita Levi")
    skills = {"elixir": 5, "ux-design": 3, "python": 4}
    directory.person_update(actor=consortium_cast["charlie"], person_id=rita.pk, skills=skills)
    assert ScoreSnapshot.objects.filter(organisation__isnull=True).count() == 1
    assert _map_queries(consortium_cast["dee"]) == []
    assert _rows(consortium_cast["dee"])[1]["python"]["bus_factor"] == 2


def test_shared_demand_shows_on_the_next_read(consortium_cast):
    body, rows = _rows(consortium_cast["dee"])
    assert "fortran" not in rows
    assert body["demand_hours"] == "0.00"
    _three_share_fortran(consortium_cast)
    body, rows = _rows(consortium_cast["dee"])
    assert rows["fortran"]["demand"] == "43.00"
    assert body["demand_hours"] == "43.00"
    assert body["score"] == 1.0  # no one holds Fortran
    page = client_for(consortium_cast["dee"]).get("/skills/").content.decode()
    assert "Fortran" in page


def test_an_import_shows_on_the_next_read(consortium_cast):
    _, before = _rows(consortium_cast["dee"])
    assert before["python"]["bus_factor"] == 1
    csv = b"name,hours_available,cost_rate,skills\nGrace Kelly,10,50,python:5\n"
    csv_io.people_import(actor=consortium_cast["alice"], organisation_slug="outlier", data=csv)
    _, after = _rows(consortium_cast["dee"])
    assert after["python"]["bus_factor"] == 2


def test_a_deleted_person_leaves_the_map_on_the_next_read(consortium_cast):
    _, before = _rows(consortium_cast["dee"])
    assert before["python"]["bus_factor"] == 1
    linus = Person.objects.get(name="Linus Torvalds")
    directory.person_delete(actor=consortium_cast["pat"], person_id=linus.pk)
    _, after = _rows(consortium_cast["dee"])
    assert "python" not in after  # held by no one, asked for by no one


def test_a_bulk_write_is_seen_only_once_announced(consortium_cast):
    """The map really is read from the cache: a write that neither saves a model nor
    announces itself goes unseen, until it is announced."""
    _, before = _rows(consortium_cast["dee"])
    assert before["python"]["bus_factor"] == 1
    ada = Person.objects.get(name="Ada Lovelace")
    python = Skill.objects.get(slug="python")
    PersonSkill.objects.bulk_create([PersonSkill(person=ada, skill=python, level=4)])
    assert _rows(consortium_cast["dee"])[1]["python"]["bus_factor"] == 1  # not announced
    network_changed.send(sender=PersonSkill)
    assert _rows(consortium_cast["dee"])[1]["python"]["bus_factor"] == 2


def test_a_transaction_reads_its_own_changes_and_keeps_nothing(consortium_cast):
    assert selectors.network_map() is not None
    token = derived.token()
    linus = Person.objects.get(name="Linus Torvalds")
    with transaction.atomic():
        linus.delete()
        assert "python" not in {row.slug for row in selectors.network_map().skills}
        transaction.set_rollback(True)
    assert derived.token() == token  # nothing committed, no new version
    python = {row.slug: row for row in selectors.network_map().skills}["python"]
    assert python.bus_factor == 1


def test_the_demand_window_moves_on_without_a_write(consortium_cast, clock):
    _three_share_fortran(consortium_cast)
    assert _rows(consortium_cast["dee"])[1]["fortran"]["demand"] == "43.00"
    clock.shift(dt.timedelta(days=selectors.DEMAND_DAYS, hours=1))
    body, rows = _rows(consortium_cast["dee"])
    assert "fortran" not in rows
    assert body["demand_hours"] == "0.00"


def test_the_map_holds_only_inside_its_demand_window(consortium_cast):
    """Until the first shared opportunity leaves the window (and from the last that came in)."""
    _three_share_fortran(consortium_cast)
    now = dt.datetime.now(dt.UTC)
    stamped = selectors.network_skills_computed(now)
    created = Opportunity.objects.aggregate(first=Min("created"), last=Max("created"))
    assert stamped.start == created["last"]
    assert stamped.end == created["first"] + dt.timedelta(days=365, microseconds=1)
    assert stamped.holds_at(now)
    assert not stamped.holds_at(stamped.end)
    assert not stamped.holds_at(stamped.start - dt.timedelta(microseconds=1))


def test_the_version_is_renewed_once_per_commit(consortium_cast):
    token = derived.token()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for person in Person.objects.all():
            person.hours_available += 1
            person.save()
    renewals = [q for q in queries if q["sql"].startswith('UPDATE "common_derivedversion"')]
    assert len(renewals) == 1
    assert derived.token() != token


def test_requests_wait_for_the_one_computing(consortium_cast, monkeypatch):
    """While one request computes the map (its lock is in the cache), another waits and reads
    what it stored instead of computing it too; if it never comes, it computes it itself."""
    from django.core.cache import cache

    key = f"coopnet:derived:network:{derived.token()}"
    cache.add(f"{key}:computing", 1, 60)
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        cache.set(key, derived.Stamped("the other request's"))

    monkeypatch.setattr(derived.time, "sleep", sleep)
    now = dt.datetime.now(dt.UTC)
    assert derived.cached(selectors.network_skills_computed, now).value == "the other request's"
    assert waits == [derived.POLL_SECONDS]
    derived.forget()
    cache.delete(key)
    monkeypatch.setattr(derived, "WAIT_SECONDS", 0.0)
    found = derived.cached(selectors.network_skills_computed, now).value
    assert found == selectors.network_skills_computed(now).value


def test_an_organisation_map_reads_the_network_map(consortium_cast):
    _three_share_fortran(consortium_cast)
    _rows(consortium_cast["dee"])
    response = client_for(consortium_cast["alice"]).get("/api/skills/organisations/outlier/map")
    own = {row["skill"]: row for row in response.json()["skills"]}
    assert own["elixir"]["network_bus_factor"] == 3  # Ada, Rita, Dora
    assert own["fortran"]["demand"] == "43.00"
    assert response.json()["score"] == pytest.approx(1.0)  # nobody in Outlier holds Fortran


def test_free_hours_stay_hidden_below_three_organisations(consortium_cast):
    """The cached map keeps the rule of the computed one: Elixir's holders come from three
    organisations (hours shown), Python's from one (hidden)."""
    _, rows = _rows(consortium_cast["dee"])
    assert rows["python"]["free_hours"] is None
    assert rows["elixir"]["free_hours"] == str(
        (Decimal("123.45") + Decimal("456.78") + Decimal("30.00")).quantize(Decimal("0.01"))
    )


def test_a_formation_that_proposes_partners_renews_the_version(
    consortium_cast, post_opportunity, immediate_tasks
):
    """A consortium proposed to another organisation shares the opportunity: its demand may
    count from then on, so the map is computed again."""
    from coopnet.opportunities import services as opportunities

    opportunity = post_opportunity()
    token = derived.token()
    opportunities.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    partners = set(opportunity.proposals.values_list("partners__organisation__slug", flat=True))
    assert partners == {"outlier", "partner"}
    assert derived.token() != token
