"""Who sees what on the skills pages and API: Charlie (Rival) never sees Outlier's free hours,
mentoring offer, pairings or sessions, and gets 404 for its organisation-scoped paths whatever
the method; the coordinator sees pairings but not the free hours of thinly held skills."""

import datetime as dt
from decimal import Decimal

import pytest
import test_mentoring
from casts import PLANTED_HOURS, client_for, once, send
from instants import TODAY

from coopnet.common.models import ApiToken
from coopnet.mentoring import services
from coopnet.mentoring.models import (
    LearningWish,
    LevelChange,
    MentoringOptIn,
    MentorOffer,
    Session,
)

mentoring_cast = test_mentoring.mentoring_cast  # pytest finds fixtures by attribute name
PLANTED_OFFER = test_mentoring.PLANTED_OFFER
SECRETS = (str(PLANTED_HOURS), str(PLANTED_OFFER))
METHODS = ("get", "post", "put", "patch", "delete")
pytestmark = pytest.mark.usefixtures("clock")  # sessions cannot be in the future


@pytest.fixture
def activity(mentoring_cast):
    """A plan (Ada mentors Olive in Elixir, inside Outlier) and a session between them."""
    cast = mentoring_cast
    plan = services.plan_compute(actor=cast["cora"])
    session = services.session_record(
        actor=cast["alice"],
        mentor_id=cast["ada"].pk,
        learner_id=cast["olive"].pk,
        skill="elixir",
        hours="2",
        date=TODAY,
    )
    return {**cast, "pairing": plan.pairings.get(), "session": session}


def _pages(activity):
    return [
        "/skills/",
        "/skills/plan/",
        "/skills/organisations/rival/",
        "/api/skills/map",
        "/api/skills/plan",
        "/api/skills/sessions",
        "/api/skills/history",
        "/api/skills/history?organisation=outlier",
        "/api/skills/organisations/rival/map",
    ]


def test_charlie_never_sees_outliers_hours_or_offer(activity):
    charlie = client_for(activity["charlie"])
    for url in _pages(activity):
        response = charlie.get(url)
        assert response.status_code == 200, url
        for secret in SECRETS:
            assert secret not in response.content.decode(), (url, secret)


def test_outliers_own_members_see_its_hours_and_offer(activity):
    bob = client_for(activity["bob"])
    page = bob.get("/skills/organisations/outlier/").content.decode()
    api = bob.get("/api/skills/organisations/outlier/map").json()
    for secret in SECRETS:
        assert secret in page
    ada = next(p for p in api["people"] if p["name"] == "Ada Lovelace")
    assert (ada["free_hours"], ada["mentor_hours"]) == (str(PLANTED_HOURS), str(PLANTED_OFFER))


ORG_PAGES = [
    "/skills/organisations/outlier/",
    "/skills/organisations/outlier/opt-in/",
    "/skills/organisations/outlier/wishes/",
    "/skills/organisations/outlier/mentor-hours/",
    "/skills/organisations/outlier/sessions/",
    "/skills/organisations/outlier/level-changes/",
    "/api/skills/organisations/outlier/map",
    "/api/skills/organisations/outlier/opt-in",
]


@pytest.mark.parametrize("who", ["charlie", "cora"])
@pytest.mark.parametrize("method", METHODS)
def test_outsiders_get_404_on_outliers_paths_for_every_method(activity, who, method):
    client = client_for(activity[who])
    for url in ORG_PAGES:
        body = None if method == "get" else {"opted_in": True}
        assert send(client, method, url, body).status_code == 404, url
    assert not MentoringOptIn.objects.exists()


@pytest.mark.parametrize("method", METHODS)
def test_charlie_gets_404_on_outliers_pairing_and_session(activity, method):
    charlie = client_for(activity["charlie"])
    pairing, session = activity["pairing"].pk, activity["session"].pk
    for url in (
        f"/skills/pairings/{pairing}/",
        f"/skills/pairings/{pairing}/decision/",
        f"/api/skills/pairings/{pairing}/decision",
        f"/api/skills/sessions/{session}",
    ):
        body = None if method == "get" else {"accept": False}
        assert send(charlie, method, url, body).status_code == 404, (url, method)
    activity["pairing"].refresh_from_db()
    assert activity["pairing"].status == "proposed"
    assert charlie.get("/api/skills/sessions").json() == []
    assert charlie.get("/api/skills/plan").json()["pairings"] == []


def test_coordinator_sees_pairings_but_not_thin_free_hours(activity):
    cora = client_for(activity["cora"])
    plan = cora.get("/api/skills/plan").json()
    assert [p["learner_name"] for p in plan["pairings"]] == ["Olive Oyl"]
    assert cora.get(f"/skills/pairings/{activity['pairing'].pk}/").status_code == 200
    skills = {s["skill"]: s for s in cora.get("/api/skills/map").json()["skills"]}
    assert skills["elixir"]["free_hours"] is None
    assert skills["ux-design"]["free_hours"] == "140.00"
    page = cora.get("/skills/").content.decode()
    assert "hidden" in page
    for secret in SECRETS:
        assert secret not in page


def test_wrong_method_is_405_for_those_who_may_see(activity):
    alice = client_for(activity["alice"])
    assert alice.get("/skills/organisations/outlier/opt-in/").status_code == 405
    assert alice.post("/skills/").status_code == 405
    assert send(alice, "post", "/api/skills/organisations/outlier/map").status_code == 405
    pairing = activity["pairing"].pk
    assert alice.get(f"/api/skills/pairings/{pairing}/decision").status_code == 405
    assert client_for(activity["cora"]).get("/skills/plan/compute/").status_code == 405
    assert client_for(activity["alice"]).post("/skills/plan/compute/").status_code == 404


def test_member_may_look_but_not_change(activity):
    bob = client_for(activity["bob"])
    assert bob.get("/skills/organisations/outlier/").status_code == 200
    put = send(bob, "put", "/api/skills/organisations/outlier/opt-in", {"opted_in": True})
    assert put.status_code == 403
    body = {"person": activity["olive"].pk, "skill": "elixir", "level": 3}
    assert send(bob, "post", "/api/skills/level-changes", body).status_code == 403
    assert not LevelChange.objects.exists()


def test_csrf_is_enforced_on_unsafe_api_requests_with_a_session(activity):
    alice = client_for(activity["alice"], csrf=True)
    put = send(alice, "put", "/api/skills/organisations/outlier/opt-in", {"opted_in": True})
    assert put.status_code == 403
    assert not MentoringOptIn.objects.exists()
    assert (
        alice.post("/skills/organisations/outlier/opt-in/", {"opted_in": "on"}).status_code == 403
    )


def test_scripts_use_bearer_tokens(activity):
    from django.test import Client

    _, key = ApiToken.issue(activity["alice"], "script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    put = send(client, "put", "/api/skills/organisations/outlier/opt-in", {"opted_in": True})
    assert put.status_code == 200
    assert MentoringOptIn.objects.filter(organisation__slug="outlier").exists()


# -- the API's writes -------------------------------------------------------------------------


def test_api_session_errors_are_422_naming_the_field(activity):
    alice = client_for(activity["alice"])
    body = {
        "mentor": activity["ada"].pk,
        "learner": activity["olive"].pk,
        "skill": "elixir",
        "hours": "-1",
        "date": str(TODAY),
    }
    response = send(alice, "post", "/api/skills/sessions", body)
    assert response.status_code == 422
    assert "hours" in response.json()["detail"]
    future = {**body, "hours": "2", "date": str(TODAY + dt.timedelta(days=3))}
    assert "date" in send(alice, "post", "/api/skills/sessions", future).json()["detail"]
    unknown = {**body, "hours": "2", "mentor": 987654}
    assert "mentor" in send(alice, "post", "/api/skills/sessions", unknown).json()["detail"]
    assert Session.objects.count() == 1
    ok = send(alice, "post", "/api/skills/sessions", {**body, "hours": "1.5"})
    assert ok.status_code == 201
    assert ok.json()["hours"] == "1.50"


def test_api_plan_decision_and_level_change(activity):
    cora, alice = client_for(activity["cora"]), client_for(activity["alice"])
    assert send(alice, "post", "/api/skills/plan", {}).status_code == 403
    plan = send(cora, "post", "/api/skills/plan", {"session_hours": "10"})
    assert plan.status_code == 201
    assert plan.json()["score_before"] > plan.json()["score_after"]
    pairing = plan.json()["pairings"][0]["id"]
    decided = send(alice, "post", f"/api/skills/pairings/{pairing}/decision", {"accept": True})
    assert decided.json()["status"] == "agreed"
    body = {"person": activity["olive"].pk, "skill": "elixir", "level": 3}
    change = send(alice, "post", "/api/skills/level-changes", body)
    assert change.status_code == 201
    assert (change.json()["old_level"], change.json()["new_level"]) == (2, 3)
    history = cora.get("/api/skills/history").json()
    assert history[-1]["score"] == 0.0
    assert history[0]["score"] > 0.0
    bad = send(alice, "post", "/api/skills/level-changes", {**body, "level": 9})
    assert bad.status_code == 422
    assert "level" in bad.json()["detail"]


# -- the pages' forms -------------------------------------------------------------------------


def test_invalid_session_form_is_400_with_the_error_on_its_field(activity):
    alice = client_for(activity["alice"])
    form = {
        "mentor": activity["ada"].pk,
        "learner": activity["olive"].pk,
        "skill": "elixir",
        "hours": "2",
        "date": str(TODAY + dt.timedelta(days=5)),
    }
    response = alice.post("/skills/organisations/outlier/sessions/", form)
    assert response.status_code == 400
    assert services.FUTURE_DATE in response.content.decode()
    ok = alice.post(
        "/skills/organisations/outlier/sessions/",
        {**form, "date": "2024-01-10", **once(activity["alice"])},
    )
    assert ok.status_code == 302
    assert Session.objects.filter(date=dt.date(2024, 1, 10)).exists()


def test_pages_record_level_changes_and_opt_in(activity):
    alice = client_for(activity["alice"])
    url = "/skills/organisations/outlier/"
    form = {"person": activity["olive"].pk, "skill": "elixir", "level": "3"}
    response = alice.post(f"{url}level-changes/", form | once(activity["alice"]), follow=True)
    assert "Olive Oyl is now at level 3 in Elixir." in response.content.decode()
    assert alice.post(f"{url}level-changes/", form).status_code == 400  # already at 3
    alice.post(f"{url}opt-in/", {"opted_in": "on"})
    assert MentoringOptIn.objects.filter(organisation__slug="outlier").exists()


def test_coordinator_computes_a_plan_on_the_page(mentoring_cast):
    cora = client_for(mentoring_cast["cora"])
    assert cora.post("/skills/plan/compute/", {"session_hours": "-1"}).status_code == 400
    page = cora.post("/skills/plan/compute/", {"session_hours": "10"}, follow=True)
    text = page.content.decode()
    assert "A new mentoring plan was computed: 1 pairings, score 67% → 0%." in text
    assert "Olive Oyl" in text


def test_api_sets_mentor_hours_and_wishes_for_own_people(activity):
    alice, bob = client_for(activity["alice"]), client_for(activity["bob"])
    olive = activity["olive"].pk
    hours = send(alice, "put", f"/api/skills/people/{olive}/mentor-hours", {"hours": "12.5"})
    assert hours.status_code == 200
    assert hours.json() == {"person": olive, "hours": "12.50"}
    assert MentorOffer.objects.get(person_id=olive).hours == Decimal("12.50")
    wish = send(alice, "post", f"/api/skills/people/{olive}/wishes", {"skill": "python"})
    assert wish.status_code == 201
    assert wish.json()["skill"] == "python"
    assert LearningWish.objects.filter(person_id=olive, skill__slug="python").exists()
    mine = bob.get("/api/skills/organisations/outlier/map").json()["people"]
    assert next(p for p in mine if p["id"] == olive)["wants"] == ["python"]
    # a plain member may look, not change
    refused = send(bob, "put", f"/api/skills/people/{olive}/mentor-hours", {"hours": "1"})
    assert refused.status_code == 403
    assert send(alice, "delete", f"/api/skills/wishes/{wish.json()['id']}").status_code == 204
    assert not LearningWish.objects.filter(person_id=olive).exists()
    back = send(alice, "put", f"/api/skills/people/{olive}/mentor-hours", {"hours": None})
    assert back.json()["hours"] is None
    assert not MentorOffer.objects.filter(person_id=olive).exists()


def test_api_mentoring_inputs_name_the_bad_field(activity):
    alice = client_for(activity["alice"])
    olive = activity["olive"].pk
    bad_hours = send(alice, "put", f"/api/skills/people/{olive}/mentor-hours", {"hours": "-3"})
    assert bad_hours.status_code == 422
    assert "mentor_hours" in bad_hours.json()["detail"]
    bad_skill = send(alice, "post", f"/api/skills/people/{olive}/wishes", {"skill": "cobol-9"})
    assert bad_skill.status_code == 422
    assert "skill" in bad_skill.json()["detail"]


@pytest.mark.parametrize("method", METHODS)
def test_outsiders_get_404_on_outliers_mentoring_inputs(activity, method):
    wish = services.wish_add(
        actor=activity["alice"], person_id=activity["olive"].pk, skill="python"
    )
    ada = activity["ada"].pk
    charlie = client_for(activity["charlie"])
    for url, body in (
        (f"/api/skills/people/{ada}/mentor-hours", {"hours": "99"}),
        (f"/api/skills/people/{ada}/wishes", {"skill": "python"}),
        (f"/api/skills/wishes/{wish.pk}", None),
    ):
        sent = None if method == "get" else body
        assert send(charlie, method, url, sent).status_code == 404, (url, method)
    assert MentorOffer.objects.get(person_id=ada).hours == PLANTED_OFFER
    assert LearningWish.objects.filter(pk=wish.pk).exists()
    assert not LearningWish.objects.filter(person_id=ada).exists()


def test_wrong_method_on_mentoring_inputs_is_405_for_own_members(activity):
    alice = client_for(activity["alice"])
    response = alice.get(f"/api/skills/people/{activity['olive'].pk}/mentor-hours")
    assert response.status_code == 405
