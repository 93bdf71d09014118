"""An opportunity's life before formation: every proposal declined says so, and a new search's
best proposal is labelled; a decision deadline after which pending proposals lapse (when read,
and by the job); edit while nothing is pending; withdraw and close, their partners told."""

import datetime as dt

import pytest
from casts import client_for, send
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from instants import TODAY

from coopnet.notifications.models import Notification
from coopnet.opportunities import lifecycle, selectors, services
from coopnet.opportunities.models import Opportunity, Proposal

REQUIREMENTS = [
    {"skill": "elixir", "min_level": 4, "hours": "40"},
    {"skill": "ux-design", "min_level": 3, "hours": "20"},
]


@pytest.fixture
def posted(consortium_cast, post_opportunity, immediate_tasks):
    return post_opportunity()


def start(cast, opportunity, **fields):
    services.formation_start(actor=cast["alice"], opportunity_id=opportunity.pk, **fields)
    opportunity.refresh_from_db()
    return list(opportunity.proposals.order_by("pk"))


def decline_all(cast, opportunity):
    for proposal in opportunity.proposals.filter(status=Proposal.PROPOSED):
        services.proposal_decide(actor=cast["pat"], proposal_id=proposal.pk, accept=False,
                                 reason="Booked up")  # fmt: skip


def told(kind):
    rows = Notification.objects.filter(kind=kind).order_by("pk").select_related("recipient")
    return [(n.recipient.username, n.text) for n in rows]


def test_when_every_proposal_is_declined_the_status_says_so(consortium_cast, posted):
    proposals = start(consortium_cast, posted)
    services.proposal_decide(actor=consortium_cast["pat"], proposal_id=proposals[0].pk,
                             accept=False, reason="Booked up")  # fmt: skip
    posted.refresh_from_db()
    assert posted.status == Opportunity.PROPOSED  # the skill-sharing one is still open
    decline_all(consortium_cast, posted)
    posted.refresh_from_db()
    assert posted.status == Opportunity.DECLINED
    assert posted.get_status_display() == "All proposals declined"
    page = client_for(consortium_cast["alice"]).get(f"/opportunities/{posted.pk}/").content.decode()
    assert '<strong id="status">All proposals declined</strong>' in page
    assert "Find the consortium</button>" in page  # a new search may start


def test_a_new_search_labels_its_best_proposal(consortium_cast, posted):
    first = start(consortium_cast, posted)
    assert selectors.best_proposal(first) == first[0].pk  # the cheapest of the only search
    decline_all(consortium_cast, posted)
    assert selectors.best_proposal(posted.proposals.all()) is None  # declined: none is best
    again = start(consortium_cast, posted)
    fresh = [p for p in again if p.run_id != first[0].run_id]
    cheapest = next(p for p in fresh if p.kind == Proposal.CHEAPEST)
    rows = send(client_for(consortium_cast["alice"]), "get",
                f"/api/opportunities/{posted.pk}/proposals").json()  # fmt: skip
    assert [r["id"] for r in rows if r["best"]] == [cheapest.pk]
    page = client_for(consortium_cast["alice"]).get(f"/opportunities/{posted.pk}/").content.decode()
    assert page.count('data-testid="best"') == 1
    heading = page.index(f'id="proposal-{cheapest.pk}-heading"')
    assert page.index('data-testid="best"') > heading


def test_a_decision_deadline_in_the_past_is_refused(consortium_cast, posted, clock):
    with pytest.raises(ValidationError) as refused:
        start(consortium_cast, posted, decide_by=TODAY - dt.timedelta(days=1))
    assert refused.value.message_dict == {
        "decide_by": [services.BAD_DECIDE_BY.format(value=TODAY - dt.timedelta(days=1))]
    }


def test_pending_proposals_lapse_after_their_deadline_when_read(consortium_cast, posted, clock):
    proposals = start(consortium_cast, posted, decide_by=TODAY + dt.timedelta(days=3))
    assert {p.decide_by for p in proposals} == {TODAY + dt.timedelta(days=3)}
    pat = client_for(consortium_cast["pat"])
    url = f"/opportunities/{posted.pk}/"
    clock.shift(dt.timedelta(days=3))  # the last day to decide: nothing lapses
    assert pat.get(url).status_code == 200
    assert not Proposal.objects.filter(status=Proposal.LAPSED).exists()
    clock.shift(dt.timedelta(days=1))
    response = pat.get(url)
    assert (response.status_code, response["Location"]) == (302, url)  # lapsed, then shown
    assert set(Proposal.objects.values_list("status", flat=True)) == {Proposal.LAPSED}
    posted.refresh_from_db()
    assert posted.status == Opportunity.LAPSED
    assert "Lapsed</span>" in pat.get(url).content.decode()  # partners still see it ended
    ended = (
        "The proposal for “Booking system” from Outlier Co-op ended: its decision deadline passed."
    )
    assert told("proposal_ended") == [("alice", ended), ("pat", ended)] * 2  # two proposals


def test_the_job_lapses_what_nobody_read(consortium_cast, posted, clock, capsys):
    from coopnet.cli import main

    start(consortium_cast, posted, decide_by=TODAY)
    assert lifecycle.proposals_lapse() == 0
    clock.shift(dt.timedelta(days=1))
    assert main(["opportunities", "lapse"]) == 0
    assert capsys.readouterr().out == "2 proposal(s) lapsed\n"
    assert lifecycle.proposals_lapse() == 0
    with pytest.raises(ValidationError, match="no longer open"):
        services.proposal_decide(actor=consortium_cast["pat"],
                                 proposal_id=posted.proposals.first().pk, accept=True)  # fmt: skip


def test_a_draft_is_edited_and_its_requirements_replaced(consortium_cast, posted):
    edited = lifecycle.opportunity_update(
        actor=consortium_cast["alice"], opportunity_id=posted.pk, title="Booking system v2",
        value="15000", deadline=TODAY + dt.timedelta(days=120),
        requirements=[{"skill": "python", "min_level": 2, "hours": "12.5"}],
    )  # fmt: skip
    assert (edited.title, str(edited.value), edited.status) == ("Booking system v2", "15000.00",
                                                                Opportunity.DRAFT)  # fmt: skip
    rows = list(edited.requirements.values_list("skill__slug", "min_level", "hours"))
    assert [(s, n, str(h)) for s, n, h in rows] == [("python", 2, "12.50")]


def test_edit_is_refused_while_a_proposal_is_pending_and_to_all_but_the_poster_s_admins(
    consortium_cast, posted
):
    fields = {"title": "X", "value": "1", "deadline": TODAY + dt.timedelta(days=9),
              "requirements": REQUIREMENTS}  # fmt: skip
    with pytest.raises(PermissionDenied):
        lifecycle.opportunity_update(actor=consortium_cast["bob"], opportunity_id=posted.pk,
                                     **fields)  # fmt: skip
    with pytest.raises(Http404):
        lifecycle.opportunity_update(actor=consortium_cast["charlie"], opportunity_id=posted.pk,
                                     **fields)  # fmt: skip
    start(consortium_cast, posted)
    with pytest.raises(ValidationError) as refused:
        lifecycle.opportunity_update(actor=consortium_cast["alice"], opportunity_id=posted.pk,
                                     **fields)  # fmt: skip
    assert refused.value.messages == [lifecycle.CANNOT_EDIT.format(status="consortium proposed")]


def test_withdrawing_ends_the_pending_proposals_and_tells_their_partners(consortium_cast, posted):
    start(consortium_cast, posted)
    lifecycle.opportunity_withdraw(actor=consortium_cast["alice"], opportunity_id=posted.pk)
    posted.refresh_from_db()
    assert posted.status == Opportunity.WITHDRAWN
    assert set(posted.proposals.values_list("status", flat=True)) == {Proposal.WITHDRAWN}
    ended = (
        "The proposal for “Booking system” from Outlier Co-op ended: the opportunity was withdrawn."
    )
    assert told("proposal_ended") == [("pat", ended)] * 2
    with pytest.raises(ValidationError) as refused:
        start(consortium_cast, posted)
    assert refused.value.messages == [services.CANNOT_START.format(status="withdrawn")]
    with pytest.raises(ValidationError) as again:
        lifecycle.opportunity_close(actor=consortium_cast["alice"], opportunity_id=posted.pk)
    assert again.value.messages == [lifecycle.CANNOT_END.format(verb="closed", status="withdrawn")]


def test_a_formed_opportunity_cannot_be_closed(consortium_cast, form_contract):
    contract = form_contract()
    with pytest.raises(ValidationError) as refused:
        lifecycle.opportunity_close(actor=consortium_cast["alice"],
                                    opportunity_id=contract.opportunity_id)  # fmt: skip
    assert refused.value.messages == [
        lifecycle.CANNOT_END.format(verb="closed", status="consortium formed")
    ]


def test_the_pages_edit_withdraw_and_close(consortium_cast, posted):
    alice = client_for(consortium_cast["alice"])
    edit = f"/opportunities/{posted.pk}/edit/"
    form = alice.get(edit).content.decode()
    assert 'value="Booking system"' in form
    assert 'value="12000.00"' in form
    data = {"title": "Booking system v2", "client": "Acme", "description": "",
            "value": "13000", "deadline": str(TODAY + dt.timedelta(days=60)),
            "requirements-TOTAL_FORMS": "1", "requirements-INITIAL_FORMS": "0",
            "requirements-0-skill": "elixir", "requirements-0-min_level": "4",
            "requirements-0-hours": "30"}  # fmt: skip
    assert alice.post(edit, data).status_code == 302
    posted.refresh_from_db()
    assert (posted.title, str(posted.value)) == ("Booking system v2", "13000.00")
    assert client_for(consortium_cast["bob"]).post(edit, data).status_code == 403
    assert client_for(consortium_cast["charlie"]).get(edit).status_code == 404
    assert alice.post(f"/opportunities/{posted.pk}/close/").status_code == 302
    posted.refresh_from_db()
    assert posted.status == Opportunity.CLOSED
    page = alice.get(f"/opportunities/{posted.pk}/").content.decode()
    assert '<strong id="status">Closed</strong>' in page
    assert 'id="lifecycle"' not in page


def test_the_api_edits_withdraws_and_sets_a_decision_deadline(consortium_cast, posted, clock):
    alice = client_for(consortium_cast["alice"])
    url = f"/api/opportunities/{posted.pk}"
    body = {"title": "Renamed", "value": "9000", "deadline": str(TODAY + dt.timedelta(days=30)),
            "requirements": REQUIREMENTS}  # fmt: skip
    answer = send(alice, "put", url, body)
    assert (answer.status_code, answer.json()["title"]) == (200, "Renamed")
    day = TODAY + dt.timedelta(days=5)
    assert send(alice, "post", f"{url}/formation?decide_by={day}").status_code == 202
    rows = send(alice, "get", f"{url}/proposals").json()
    assert {r["decide_by"] for r in rows} == {str(day)}
    assert send(alice, "put", url, body).status_code == 422  # proposals are pending
    answer = send(client_for(consortium_cast["pat"]), "post", f"{url}/withdrawal")
    assert answer.status_code == 403
    answer = send(alice, "post", f"{url}/withdrawal")
    assert (answer.status_code, answer.json()["status"]) == (200, "withdrawn")


def test_the_worker_lapses_them_the_day_after_the_deadline(
    consortium_cast, post_opportunity, settings, django_capture_on_commit_callbacks, clock
):
    from django_tasks_db.models import DBTaskResult

    from coopnet.opportunities.formation import formation_execute
    from coopnet.opportunities.tasks import proposals_lapse_due

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    opportunity = post_opportunity()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.formation_start(actor=consortium_cast["alice"],
                                       opportunity_id=opportunity.pk, decide_by=TODAY)  # fmt: skip
    queued = DBTaskResult.objects.get(task_path=proposals_lapse_due.module_path)
    assert queued.run_after == dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(),
                                                   tzinfo=dt.UTC)  # fmt: skip
    assert queued.args_kwargs["kwargs"] == {"opportunity_id": opportunity.pk}
    formation_execute(run_id=run.pk)  # as the worker runs it
    proposals_lapse_due.call(opportunity_id=opportunity.pk)  # too early: nothing lapses
    assert not Proposal.objects.filter(status=Proposal.LAPSED).exists()
    clock.shift(dt.timedelta(days=1))
    proposals_lapse_due.call(opportunity_id=opportunity.pk)
    assert set(Proposal.objects.values_list("status", flat=True)) == {Proposal.LAPSED}
