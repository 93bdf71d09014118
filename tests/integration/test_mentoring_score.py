"""One resilience score on the skills pages: a plan's effect is computed again on today's map,
so that the plan's "from" is always the score the page shows, however old the plan.

Outlier asks for Elixir 3 (40 h) and Python 3 (20 h). Elixir rests on Ada alone (bus factor
1: at risk); Python on Otto and Rita (2). So 40 of the 60 demanded hours are at risk: 67%. The
plan pairs Ada with Olive (Elixir 2), which would cover Elixir: 0%. Then Rival asks for UX 3
(40 h), which nobody holds: 80 of 100 hours are at risk, 80% today, and the plan's pairing
would take it to 40 / 100 = 40%.

Each opportunity is shared with another organisation, and a skill's demand counts here from
one poster (`MIN_ORGANISATIONS_FOR_DEMAND` is 1), so that the hand-computed scores hold; the
threshold itself is tested in test_leaks_demand.py."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from casts import client_for, share
from instants import TODAY

from coopnet.directory import services as directory
from coopnet.directory.models import Organisation
from coopnet.mentoring import selectors, services
from coopnet.mentoring.effects import plan_effect
from coopnet.mentoring.models import Pairing
from coopnet.opportunities.services import opportunity_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture(autouse=True)
def one_poster_counts(monkeypatch):
    monkeypatch.setattr(selectors, "MIN_ORGANISATIONS_FOR_DEMAND", 1)


def post(user, slug, requirements):
    opportunity = opportunity_create(
        actor=user,
        organisation_slug=slug,
        title="Work",
        value="5000",
        deadline=TODAY + dt.timedelta(days=90),
        requirements=[{"skill": s, "min_level": 3, "hours": h} for s, h in requirements],
    )
    share(opportunity, Organisation.objects.exclude(slug=slug).order_by("slug").first())


@pytest.fixture
def planned(cast, coordinator):
    alice, charlie = cast["alice"], cast["charlie"]
    people = [
        (alice, "outlier", "Olive Oyl", {"elixir": 2}),
        (alice, "outlier", "Otto Hahn", {"python": 3}),
        (charlie, "rival", "Rita Moreno", {"python": 4}),
    ]
    for actor, slug, name, skills in people:
        directory.person_create(
            actor=actor,
            organisation_slug=slug,
            name=name,
            hours_available=Decimal(40),
            cost_rate=Decimal(50),
            skills=skills,
        )
    post(alice, "outlier", [("elixir", "40"), ("python", "20")])
    plan = services.plan_compute(actor=coordinator)
    assert (round(plan.score_before, 4), plan.score_after) == (round(40 / 60, 4), 0.0)
    post(charlie, "rival", [("ux-design", "40")])
    return {**cast, "cora": coordinator, "plan": plan}


def big(page, element_id):
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


def test_the_plan_is_measured_on_todays_map(planned):
    effect = plan_effect(planned["plan"])
    assert effect.score == pytest.approx(0.8) == selectors.network_map().score
    assert effect.score_with_plan == pytest.approx(0.4)
    assert effect.gain == pytest.approx(20.0)  # Elixir's second holder: 40 h / 2
    assert effect.pairings == 1


@pytest.mark.parametrize("name", ["cora", "alice", "charlie"])
def test_the_overview_shows_one_score_and_the_plan_from_it(planned, name):
    page = client_for(planned[name]).get("/skills/").content.decode()
    assert big(page, "network-score") == "80%"
    effect = (
        "Its 1 standing pairing would bring today's demand at risk of 80% to <strong>40%</strong>."
    )
    assert effect in page.replace("&#x27;", "'")
    history = page.split('id="history-chart-title"')[1].split("</svg>")[0]
    assert history.count("<circle") == 2  # the plan's snapshot, then today
    assert re.findall(r"<title>([^<]*)</title></circle>", history)[-1] == "Now: 80%"


def test_the_plan_page_shows_todays_score_and_what_the_plan_promised_then(planned):
    page = client_for(planned["cora"]).get("/skills/plan/").content.decode()
    assert (big(page, "score-now"), big(page, "score-with-plan")) == ("80%", "40%")
    assert big(page, "plan-gain") == "20"
    assert "The score was 67% then, and the plan would have taken it to 0%" in page


def test_a_declined_pairing_no_longer_counts(planned):
    pairing = planned["plan"].pairings.get()
    services.pairing_decide(actor=planned["alice"], pairing_id=pairing.pk, accept=False)
    effect = plan_effect(planned["plan"])
    assert (effect.score, effect.score_with_plan, effect.pairings) == (0.8, 0.8, 0)
    page = client_for(planned["cora"]).get("/skills/plan/").content.decode()
    assert (big(page, "score-now"), big(page, "score-with-plan")) == ("80%", "80%")


def test_a_learner_who_reached_the_level_counts_once(planned):
    pairing = planned["plan"].pairings.get()
    services.pairing_decide(actor=planned["alice"], pairing_id=pairing.pk, accept=True)
    olive = pairing.learner
    services.level_change_record(
        actor=planned["alice"], person_id=olive.pk, skill="elixir", level=3
    )
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.DONE
    effect = plan_effect(planned["plan"])
    assert (effect.score, effect.score_with_plan, effect.gain) == (0.4, 0.4, 0.0)
    page = client_for(planned["alice"]).get("/skills/").content.decode()
    assert big(page, "network-score") == "40%"
    assert "today's demand at risk of 40% to <strong>40%</strong>" in page.replace("&#x27;", "'")


def test_a_plan_of_today_says_nothing_of_then(cast, coordinator):
    post(cast["alice"], "outlier", [("elixir", "40")])
    services.plan_compute(actor=coordinator)
    page = client_for(coordinator).get("/skills/plan/").content.decode()
    assert (big(page, "score-now"), big(page, "score-with-plan")) == ("100%", "100%")
    assert "then" not in page.split('id="plan-computed"')[1].split("</p>")[0]


def test_the_api_gives_the_plan_then_and_today(planned):
    plan = client_for(planned["alice"]).get("/api/skills/plan").json()
    assert (round(plan["score_before"], 4), plan["score_after"]) == (round(40 / 60, 4), 0.0)
    assert (plan["score_now"], plan["score_with_plan"]) == (0.8, 0.4)
    assert client_for(planned["alice"]).get("/api/skills/map").json()["score"] == 0.8
