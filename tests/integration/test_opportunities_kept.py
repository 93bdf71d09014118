"""The opportunities list and an opportunity's page keep what they show (`derived.kept`) under
the viewer's rights (the organisations they are a member and an admin of) until the network
changes: a warm read makes a few small queries; a change through the services shows on the
next read; viewers with other rights never read what was kept for someone else; who may see
the opportunity is checked for every request. Alice posts for Outlier (Bob is a member); Pat
administers Partner Co-op (Quinn is a member); Charlie (Rival) is a competitor."""

import re

import pytest
from casts import client_for
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopnet.common import derived
from coopnet.directory.models import Membership, Skill
from coopnet.opportunities import formation, records, selectors, services, views
from coopnet.opportunities.models import (
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
    Requirement,
)

# committed for real, as the server does, so that the network's version changes as it does there
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tasks", "clock"),
]

ACCEPT = {"decision": "accept"}
DECIDE_FORM = 'class="actions decision"'
TITLE_FORM = 'id="title-consent"'


@pytest.fixture
def proposed(consortium_cast, post_opportunity):
    """Outlier's opportunity after formation: proposals with Outlier and Partner Co-op."""
    opportunity = post_opportunity()
    services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    cheapest = opportunity.proposals.get(kind=Proposal.CHEAPEST)
    return {"opportunity": opportunity, "proposal": cheapest}


def url(proposed):
    return f"/opportunities/{proposed['opportunity'].pk}/"


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def warm_queries(client, path):
    """The SQL of a second read of `path` (the first fills the cache)."""
    first = get(client, path)
    with CaptureQueriesContext(connection) as queries:
        again = get(client, path)
    assert CSRF.sub("", first) == CSRF.sub("", again)
    return [q["sql"] for q in queries.captured_queries]


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def tables(sql):
    return set(re.findall(r'(?:FROM|JOIN) "?(\w+)"?', sql))


# -- a warm read ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "pat"])
def test_a_warm_read_of_an_opportunity_makes_three_queries(consortium_cast, proposed, name):
    """The session, the user (with what the navigation asks of it and the network's version),
    and one for the viewer's rights and access: no proposal, partner, payout or requirement
    is read again."""
    queries = warm_queries(client_for(consortium_cast[name]), url(proposed))
    assert len(queries) == 3, queries
    read = set().union(*(tables(sql) for sql in queries))
    assert "opportunities_proposal" in read  # the access check, made for every request
    assert "common_derivedversion" in read
    assert "opportunities_requirement" not in read
    assert "opportunities_assignment" not in read
    assert "opportunities_formationrun" not in read  # kept once the search is over


def test_a_warm_read_while_forming_reads_the_run_for_the_poster(consortium_cast, proposed):
    """While a search runs its progress is written unannounced: the poster's members read the
    run for each request (one query more); a partner never reads it."""
    opportunity = proposed["opportunity"]
    Opportunity.objects.filter(pk=opportunity.pk).update(status=Opportunity.FORMING)
    run = FormationRun.objects.create(opportunity=opportunity, status=FormationRun.RUNNING)
    alice = client_for(consortium_cast["alice"])
    assert 'value="0"' in get(alice, url(proposed))
    FormationRun.objects.filter(pk=run.pk).update(progress=60)  # as `formation.progress` does
    queries = warm_queries(alice, url(proposed))
    assert len(queries) == 4, queries
    assert 'value="60"' in get(alice, url(proposed))
    assert len(warm_queries(client_for(consortium_cast["pat"]), url(proposed))) == 3


def test_a_warm_read_of_the_list_makes_three_queries(consortium_cast, proposed):
    """The session, the user (with the network's version) and the viewer's rights: the
    opportunities are not read again."""
    queries = warm_queries(client_for(consortium_cast["pat"]), "/opportunities/")
    assert len(queries) == 3, queries
    assert not any("opportunities_opportunity" in tables(sql) for sql in queries)


# -- changes show on the next read ----------------------------------------------------------


def test_a_decision_shows_on_the_next_read(consortium_cast, proposed):
    alice, pat = client_for(consortium_cast["alice"]), client_for(consortium_cast["pat"])
    proposal = proposed["proposal"]
    assert DECIDE_FORM in get(pat, url(proposed))
    assert "Consortium formed" not in get(alice, url(proposed))
    assert '<td data-label="Status">Consortium formed</td>' not in get(pat, "/opportunities/")

    response = pat.post(f"/opportunities/proposals/{proposal.pk}/decision/", ACCEPT)
    assert response.status_code == 302
    page = get(pat, url(proposed))
    assert 'class="decision-accepted">Accepted</td>' in page
    assert "Your organisation's decision: accepted." in page
    assert DECIDE_FORM not in re.search(rf'id="proposal-{proposal.pk}".*?</article>', page, re.S)[0]

    alice.post(f"/opportunities/proposals/{proposal.pk}/decision/", ACCEPT)
    for client in (alice, pat):
        page = get(client, url(proposed))
        assert "Consortium formed" in page
        assert '<strong id="status">Consortium formed</strong>' in page
        assert '<td data-label="Status">Consortium formed</td>' in get(client, "/opportunities/")
    # the other proposals were closed in bulk (`update`), announced: they say so at once
    others = proposed["opportunity"].proposals.exclude(pk=proposal.pk)
    assert others.exists()
    assert all(p.status == Proposal.SUPERSEDED for p in others)
    assert get(alice, url(proposed)).count('<span class="tag">Superseded</span>') == others.count()


def test_a_decline_shows_on_the_next_read(consortium_cast, proposed):
    alice, pat = client_for(consortium_cast["alice"]), client_for(consortium_cast["pat"])
    assert 'id="left-out"' not in get(alice, url(proposed))
    get(pat, url(proposed))
    services.proposal_decide(
        actor=consortium_cast["pat"],
        proposal_id=proposed["proposal"].pk,
        accept=False,
        reason="Too busy",
    )
    declined = 'class="decision-declined">Declined: <q class="decline-reason">Too busy</q></td>'
    assert declined in get(pat, url(proposed))
    assert "Left out of new searches, having declined a proposal for it: Partner Co-op" in get(
        alice, url(proposed)
    )


def test_a_requirement_edit_shows_on_the_next_read(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"])
    assert "Elixir <span" in get(alice, url(proposed))
    assert ", 40 h</li>" in get(alice, url(proposed))
    requirement = Requirement.objects.get(opportunity=proposed["opportunity"], skill__slug="elixir")
    requirement.hours = 55
    requirement.save()
    assert ", 55 h</li>" in get(alice, url(proposed))
    assert ", 55 h</li>" in get(client_for(consortium_cast["pat"]), url(proposed))


def test_the_title_consent_shows_on_the_next_read(consortium_cast, proposed):
    alice = client_for(consortium_cast["alice"])
    checked = '<input type="checkbox" name="title_public" checked>'
    assert checked not in get(alice, url(proposed))
    alice.post(f"{url(proposed)}title/", {"title_public": "on"})
    assert checked in get(alice, url(proposed))


def test_a_failed_search_shows_on_the_next_read(consortium_cast, post_opportunity):
    """A search that fails marks its opportunity failed with an update, which it announces."""
    opportunity = post_opportunity()
    alice = client_for(consortium_cast["alice"])
    Opportunity.objects.filter(pk=opportunity.pk).update(status=Opportunity.FORMING)
    run = FormationRun.objects.create(opportunity=opportunity, status=FormationRun.RUNNING)
    assert '<strong id="status">Forming a consortium</strong>' in get(
        alice, f"/opportunities/{opportunity.pk}/"
    )
    formation._fail(run, "Traceback: the engine stopped")
    page = get(alice, f"/opportunities/{opportunity.pk}/")
    assert '<strong id="status">Formation failed</strong>' in page
    assert "Find the consortium</button>" in page
    assert '<td data-label="Status">Formation failed</td>' in get(alice, "/opportunities/")


# -- viewers with other rights --------------------------------------------------------------


def test_viewers_with_other_rights_never_share_what_is_kept(consortium_cast, proposed):
    """Each reads after one with more rights has filled the cache for the same opportunity."""
    pages = {}
    for name in ("alice", "bob", "pat", "quinn"):
        pages[name] = get(client_for(consortium_cast[name]), url(proposed))
    assert TITLE_FORM in pages["alice"]
    assert TITLE_FORM not in pages["bob"]
    assert "Outlier Co-op's payout, for its members only" in pages["bob"]
    assert DECIDE_FORM in pages["pat"]
    assert DECIDE_FORM not in pages["quinn"]
    for partner in ("pat", "quinn"):
        # the network shows partners their own payouts only (`NetworkSettings.OWN_ONLY`)
        assert 'id="value-private"' in pages[partner]
        assert "Outlier Co-op's payout, for its members only" not in pages[partner]
        assert "Partner Co-op's payout, for its members only" in pages[partner]
    assert "Partner Co-op's payout, for its members only" not in pages["alice"]
    assert 'id="value-private"' not in pages["alice"]


def test_a_competitor_gets_404_after_a_partners_cached_read(consortium_cast, proposed):
    get(client_for(consortium_cast["pat"]), url(proposed))
    get(client_for(consortium_cast["pat"]), "/opportunities/")
    charlie = client_for(consortium_cast["charlie"])
    assert charlie.get(url(proposed)).status_code == 404
    assert "Booking system" not in get(charlie, "/opportunities/")


def test_a_viewer_who_lost_access_gets_404_at_once(consortium_cast, proposed):
    quinn = client_for(consortium_cast["quinn"])
    get(quinn, url(proposed))
    Membership.objects.filter(user=consortium_cast["quinn"]).delete()
    assert quinn.get(url(proposed)).status_code == 404
    assert "Booking system" not in get(quinn, "/opportunities/")


def test_what_is_kept_holds_no_form(consortium_cast, proposed):
    """The partner admin's page has a decision form; what is kept of it has none (nor a CSRF
    token): forms are rendered for each request."""
    page = views._opportunity_page(consortium_cast["pat"], proposed["opportunity"].pk)
    kept = [page.head, *(p.body for p in page.proposals)]
    assert any(p.can_decide for p in page.proposals)
    assert not any("<form" in html or "csrf" in html for html in kept)


# -- the access check -----------------------------------------------------------------------


def test_the_access_check_is_the_selectors_rule(consortium_cast, proposed, post_opportunity):
    """For each member of the cast and each opportunity (a draft, one with open proposals,
    one whose proposal a partner declined), `rights_and_poster` lets through exactly whom
    `visible_opportunities` does, and reads the same rights as the memberships."""
    declined = post_opportunity(title="Declined")
    services.formation_start(actor=consortium_cast["alice"], opportunity_id=declined.pk)
    cheapest = declined.proposals.get(kind=Proposal.CHEAPEST)
    services.proposal_decide(
        actor=consortium_cast["pat"], proposal_id=cheapest.pk, accept=False, reason="Too busy"
    )
    post_opportunity(title="Draft")
    assert ProposalPartner.objects.filter(decision=ProposalPartner.DECLINED).exists()
    ids = [*Opportunity.objects.values_list("pk", flat=True), 10**6]
    for name in ("alice", "bob", "pat", "quinn", "charlie", "dee"):
        user = consortium_cast[name]
        visible = set(selectors.visible_opportunities(user).values_list("pk", flat=True))
        for pk in ids:
            rights, poster = selectors.rights_and_poster(user, pk)
            assert (poster is not None) is (pk in visible), (name, pk)
            if poster is not None:
                assert poster == Opportunity.objects.get(pk=pk).posted_by_id
        memberships = Membership.objects.filter(user=user)
        assert rights.member == set(memberships.values_list("organisation_id", flat=True))
        admins = memberships.filter(role=Membership.ADMIN)
        assert rights.admin == set(admins.values_list("organisation_id", flat=True))
        assert selectors.rights(user) == rights


def test_the_record_shows_what_the_selectors_let_through(
    consortium_cast, proposed, post_opportunity
):
    """An opportunity's record (read once for every viewer) lets each member of the cast see
    exactly the opportunities `visible_opportunities` lets through and, of those, the
    proposals `visible_proposals` does; its organisations left out of new searches are
    `declined_partners`. Pat declines one proposal (his organisation still sees it), Alice,
    the poster, another (Pat's no longer does)."""
    declined = post_opportunity(title="Declined")
    services.formation_start(actor=consortium_cast["alice"], opportunity_id=declined.pk)
    cheapest = declined.proposals.get(kind=Proposal.CHEAPEST)
    services.proposal_decide(
        actor=consortium_cast["pat"], proposal_id=cheapest.pk, accept=False, reason="Too busy"
    )
    services.proposal_decide(
        actor=consortium_cast["alice"],
        proposal_id=proposed["proposal"].pk,
        accept=False,
        reason="Too busy",
    )
    post_opportunity(title="Draft")
    assert records.read(10**6) is None
    hidden = 0
    for opportunity in Opportunity.objects.all():
        record = records.read(opportunity.pk)
        poster = opportunity.posted_by_id
        assert set(record.declined) == {o.name for o in selectors.declined_partners(opportunity)}
        assert [p.proposal.pk for p in record.proposals] == sorted(
            opportunity.proposals.values_list("pk", flat=True)
        )
        for name in ("alice", "bob", "pat", "quinn", "charlie", "dee"):
            user = consortium_cast[name]
            member = selectors.rights(user).member
            visible = selectors.visible_opportunities(user).filter(pk=opportunity.pk).exists()
            assert record.seen_by(member) is visible, (name, opportunity.title)
            seen = {p.proposal.pk for p in record.proposals if p.seen_by(member, poster)}
            proposals = selectors.visible_proposals(user).filter(opportunity=opportunity)
            assert seen == set(proposals.values_list("pk", flat=True)), (name, opportunity.title)
            hidden += visible and len(seen) < len(record.proposals)
    assert hidden == 2  # Pat and Quinn do not see the proposal Alice declined
    for name in ("alice", "bob", "pat", "quinn", "charlie", "dee"):
        user = consortium_cast[name]
        listed = [(o.pk, o.poster, o.value) for o in selectors.listed_opportunities(user)]
        visible = selectors.visible_opportunities(user).select_related("posted_by")
        assert listed == [(o.pk, o.posted_by.name, o.value) for o in visible], name
    assert records.read(declined.pk).declined == ("Partner Co-op",)


def test_the_record_names_the_skills_only_one_partner_brings(consortium_cast, proposed):
    """The partners' explanations name the skills only they bring: the record reads their
    names with the requirements, and reads a skill no requirement asks for any more alone."""
    opportunity = proposed["opportunity"]
    with CaptureQueriesContext(connection) as queries:
        record = records.read(opportunity.pk)
    assert record.skill_names == {"elixir": "Elixir", "ux-design": "Ux-Design"}
    assert not any('FROM "directory_skill"' in q["sql"] for q in queries)
    requirement = Requirement.objects.get(opportunity=opportunity, skill__slug="elixir")
    requirement.skill = Skill.objects.get(slug="python")
    requirement.save()
    with CaptureQueriesContext(connection) as queries:
        record = records.read(opportunity.pk)
    assert record.skill_names == {"elixir": "Elixir", "ux-design": "Ux-Design"}
    assert sum('FROM "directory_skill"' in q["sql"] for q in queries) == 1


def test_a_partner_whose_proposals_the_poster_declined_gets_404(consortium_cast, proposed):
    """A proposal declined by one partner is seen by the poster and that partner only: once
    Outlier declines every proposal, Partner Co-op's members, who read the page a moment
    before, get 404; the poster still reads it."""
    pat, quinn = client_for(consortium_cast["pat"]), client_for(consortium_cast["quinn"])
    for client in (pat, quinn):
        get(client, url(proposed))
    proposals = list(proposed["opportunity"].proposals.all())
    assert all(p.partners.filter(organisation__slug="partner").exists() for p in proposals)
    for proposal in proposals:
        services.proposal_decide(
            actor=consortium_cast["alice"], proposal_id=proposal.pk, accept=False, reason="Too busy"
        )
    for client in (pat, quinn):
        assert client.get(url(proposed)).status_code == 404
        assert "Booking system" not in get(client, "/opportunities/")
    assert "Booking system" in get(client_for(consortium_cast["alice"]), url(proposed))


def test_rights_changed_while_computing_keep_nothing(consortium_cast, proposed):
    """Bob's rights are read at the start of his request; if he becomes an admin of Partner
    Co-op while his page is computed, what he is shown is kept for no one: Outlier's other
    members (with Bob's old rights) never read Partner Co-op's own payout."""
    bob = consortium_cast["bob"]
    rights = selectors.rights(bob)

    def computed_as_bob_is_promoted():
        Membership.objects.get_or_create(
            user=bob, organisation=consortium_cast["partner"], role=Membership.ADMIN
        )
        return views._opportunity_page(bob, proposed["opportunity"].pk)

    request_started.send(sender=None)  # the network's version is read once per request
    try:
        before = derived.token()
        page = views._kept("detail:race", bob, rights, computed_as_bob_is_promoted)
        assert any(p.can_decide for p in page.proposals)  # shown to Bob, as he is now
        # a request of another of Outlier's members, begun before the promotion committed
        derived._request.tokens = {derived.NETWORK: before}
        again = views._kept("detail:race", bob, rights, lambda: "computed again")
        assert again == "computed again"
    finally:
        request_finished.send(sender=None)
