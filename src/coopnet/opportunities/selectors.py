"""Reads. Who may see an opportunity is decided here, in `visible_proposals` and
`visible_opportunities` (and, for one opportunity, `rights_and_poster`): the posting
organisation's members, and the members of each partner organisation of a proposal for it. A
partner sees only the proposals it is in, never the formation runs (`run_for_user`: the
poster's members only). A declined proposal stays visible to the posting organisation and to
the partner that declined it only. Anything else gets Http404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User as Account
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from coopnet.common.access import ADMIN, User
from coopnet.common.compiled import Compiled
from coopnet.directory.models import Membership, NetworkSettings, Organisation, PersonSkill
from coopnet.directory.selectors import (
    commission_exempt,
    memberships,
    network_settings,
    reserved_hours,
)
from coopnet.engine import network as engine
from coopnet.opportunities.models import (
    Assignment,
    FormationRun,
    Opportunity,
    Proposal,
    ProposalPartner,
)
from coopnet.opportunities.payouts import PartnerPayout, partner_payouts


def _organisations(user: User) -> QuerySet[Membership, Any]:
    return memberships(user).values("organisation")


def visible_proposals(user: User) -> QuerySet[Proposal]:
    mine = ProposalPartner.objects.filter(organisation__in=_organisations(user))
    as_partner = mine.exclude(proposal__status=Proposal.DECLINED) | mine.filter(
        decision=ProposalPartner.DECLINED
    )
    return Proposal.objects.filter(
        Q(opportunity__posted_by__in=_organisations(user)) | Q(pk__in=as_partner.values("proposal"))
    )


def sees_proposal(
    member: Collection[int], poster: int, status: str, partners: Iterable[tuple[int, str]]
) -> bool:
    """The rule of `visible_proposals` for one proposal read already: may the members of the
    organisations `member` read a proposal with `status`, for an opportunity `poster` posted,
    whose partners are `partners` (each its organisation and decision)? Its poster's members
    may; a partner's, unless the proposal was declined, when only the partner that declined it
    may."""
    if poster in member:
        return True
    return any(
        organisation in member
        and (status != Proposal.DECLINED or decision == ProposalPartner.DECLINED)
        for organisation, decision in partners
    )


def visible_opportunities(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        Q(posted_by__in=_organisations(user))
        | Q(pk__in=visible_proposals(user).values("opportunity"))
    )


@dataclass(frozen=True)
class Listed:
    """An opportunity as the list shows it."""

    pk: int
    title: str
    client: str
    posted_by_id: int
    poster: str
    value: Decimal
    deadline: dt.date
    status: str

    @property
    def status_display(self) -> str:
        return dict(Opportunity.STATUSES).get(self.status, self.status)


#: `visible_opportunities` as the list shows them, compiled once (building it with the ORM
#: takes several times as long as running it) for a user given by their key alone
_LISTED = Compiled(
    lambda user_id: visible_opportunities(Account(pk=user_id)).values_list(
        "pk", "title", "client", "posted_by_id", "posted_by__name", "value", "deadline", "status"
    )
)


def listed_opportunities(user: User) -> list[Listed]:
    """The opportunities `user` may see (`visible_opportunities`), newest first."""
    if not user.is_authenticated:
        return []
    return [Listed(*row) for row in _LISTED.rows(user.pk)]


@dataclass(frozen=True)
class Rights:
    """What the opportunity pages show differently from one viewer to another depends on
    this alone: the organisations the viewer is a member of, and those it administers."""

    member: frozenset[int]
    admin: frozenset[int]

    @property
    def key(self) -> str:
        """Names these rights in a cache key: equal for viewers with the same rights only."""
        member = ",".join(map(str, sorted(self.member)))
        return f"m{member}:a{','.join(map(str, sorted(self.admin)))}"


_MEMBERSHIPS = "SELECT organisation_id, role FROM {membership} WHERE user_id = %s"
_RIGHTS_AND_POSTER = "SELECT organisation_id, role, ({poster}) FROM {membership} WHERE user_id = %s"

#: the poster of opportunity %s if the members of the organisations given by `{among}` may
#: see it: the rule of `visible_opportunities` (they posted it, or are partners of a proposal
#: for it that they may see: one not declined, or declined by them), for one opportunity
_POSTER_IF_VISIBLE = (
    "SELECT o.posted_by_id FROM {opportunity} o WHERE o.id = %s"
    " AND (o.posted_by_id IN ({among}) OR EXISTS (SELECT 1 FROM {partner} pp"
    " JOIN {proposal} p ON p.id = pp.proposal_id WHERE p.opportunity_id = o.id"
    " AND pp.organisation_id IN ({among}) AND (p.status <> %s OR pp.decision = %s)))"
)


def _sql(template: str, **parts: str) -> str:
    return template.format(
        membership=Membership._meta.db_table,
        opportunity=Opportunity._meta.db_table,
        partner=ProposalPartner._meta.db_table,
        proposal=Proposal._meta.db_table,
        **parts,
    )


def _rights(rows: list[tuple[Any, ...]]) -> Rights:
    return Rights(
        member=frozenset(row[0] for row in rows),
        admin=frozenset(row[0] for row in rows if row[1] == ADMIN),
    )


# Both reads below are made for every request before anything kept is shown, so they are
# written in SQL: building the same queries with the ORM costs several times running them.


def rights(user: User) -> Rights:
    """`user`'s rights, read now (one query)."""
    if not user.is_authenticated:
        return Rights(frozenset(), frozenset())
    with connection.cursor() as cursor:
        cursor.execute(_sql(_MEMBERSHIPS), [user.pk])
        return _rights(cursor.fetchall())


def rights_and_poster(user: User, opportunity_id: int) -> tuple[Rights, int | None]:
    """`user`'s rights, and the id of the organisation that posted opportunity
    `opportunity_id` if `user` may see it (as `opportunity_for_user` decides), else None: read
    now, in one query."""
    if not user.is_authenticated:
        return Rights(frozenset(), frozenset()), None
    theirs = _sql("SELECT organisation_id FROM {membership} WHERE user_id = %s")
    poster = _sql(_POSTER_IF_VISIBLE, among=theirs)
    sql = _sql(_RIGHTS_AND_POSTER, poster=poster)
    declined = [Proposal.DECLINED, ProposalPartner.DECLINED]
    with connection.cursor() as cursor:
        cursor.execute(sql, [opportunity_id, user.pk, user.pk, *declined, user.pk])
        rows = cursor.fetchall()
    return _rights(rows), (rows[0][2] if rows else None)


def shared_opportunities() -> QuerySet[Opportunity]:
    """The opportunities some organisation besides their poster has read: proposed to it as a
    partner (whatever it or the proposal became since: a partner that declined may still read
    it). Drafts, searches under way or that found nobody, and proposals among the poster's own
    people are not shared: what they ask for is the poster's alone, and no aggregate may count
    it."""
    others = ProposalPartner.objects.filter(proposal__opportunity=OuterRef("pk")).exclude(
        organisation=OuterRef("posted_by")
    )
    return Opportunity.objects.filter(Exists(others))


def opportunity_list(user: User) -> QuerySet[Opportunity]:
    """The opportunities `user`'s organisations posted or are proposed partners in."""
    return (
        visible_opportunities(user)
        .select_related("posted_by", "finder")
        .prefetch_related("requirements__skill")
    )


def opportunity_for_user(user: User, opportunity_id: int) -> Opportunity:
    opportunity = opportunity_list(user).filter(pk=opportunity_id).first()
    if opportunity is None:
        raise Http404("no such opportunity")
    return opportunity


def run_for_user(user: User, run_id: int) -> FormationRun:
    """A formation run, for the posting organisation's members only: its message counts the
    proposals, and a partner reads only those it is in."""
    posted = Opportunity.objects.filter(posted_by__in=_organisations(user))
    run = FormationRun.objects.filter(pk=run_id, opportunity__in=posted).first()
    if run is None:
        raise Http404("no such formation run")
    return run


def _proposals(user: User) -> QuerySet[Proposal]:
    partners = ProposalPartner.objects.select_related("organisation", "decided_by")
    assignments = Assignment.objects.select_related("person", "organisation", "skill")
    return visible_proposals(user).prefetch_related(
        Prefetch("partners", queryset=partners), Prefetch("assignments", queryset=assignments)
    )


def proposal_list(user: User, opportunity_id: int) -> QuerySet[Proposal]:
    return proposals_of(user, opportunity_for_user(user, opportunity_id))


def proposals_of(user: User, opportunity: Opportunity) -> QuerySet[Proposal]:
    """The proposals of `opportunity` (which `user` may read: `opportunity_for_user`) that
    `user` may read."""
    return _proposals(user).filter(opportunity=opportunity).select_related("opportunity__finder")


def proposal_for_user(user: User, proposal_id: int) -> Proposal:
    proposal = _proposals(user).filter(pk=proposal_id).select_related("opportunity__finder").first()
    if proposal is None:
        raise Http404("no such proposal")
    return proposal


def proposal_payouts(user: User, proposal: Proposal) -> list[PartnerPayout]:
    """The partners' payouts of a proposal `user` may see (from `proposal_for_user` or
    `proposal_list`), with the parts of their own organisations' payouts only: the cost of a
    partner's own work would, beside its payout, reveal its rates to anyone else."""
    own = set(memberships(user).values_list("organisation_id", flat=True))
    return partner_payouts(proposal, own, network_settings().partner_view)


def sees_value(user: User, opportunity: Opportunity) -> bool:
    """May `user` read the opportunity's value and what is taken off the top (the commission,
    the finder's fee)? Its poster's members, who set them; the partners only when the network
    shows them the others' payouts too (`NetworkSettings.PAYOUTS` or `FULL`): the value less
    what is taken off the top is the sum of the payouts, so with one's own figures it gives
    the other partner's cost in a consortium of two (see `payouts`)."""
    view = network_settings().partner_view
    return view != NetworkSettings.OWN_ONLY or is_poster_member(user, opportunity)


def sees_value_as(member: Collection[int], poster: int, view: str) -> bool:
    """`sees_value` for the members of the organisations `member`, of an opportunity `poster`
    posted, under the network's `partner_view` `view`, all read already."""
    return view != NetworkSettings.OWN_ONLY or poster in member


def is_poster_member(user: User, opportunity: Opportunity) -> bool:
    """Is `user` a member of the organisation that posted `opportunity`?"""
    return _organisations(user).filter(organisation=opportunity.posted_by_id).exists()


def formation_can_start(opportunity: Opportunity) -> bool:
    """May a search for a consortium start now? From a draft or a search that found none or
    failed; while forming, only when the last search's worker died (stale); when proposed,
    only once every proposal was declined."""
    if opportunity.status == Opportunity.FORMING:
        latest = opportunity.runs.first()
        return latest is None or latest.is_stale
    # one proposal not declined is enough to say no (read only when it is proposed)
    undeclined = opportunity.proposals.exclude(status__in=[Proposal.DECLINED, Proposal.LAPSED])
    return formation_can_start_after(opportunity.status, undeclined.values_list("status")[:1])


def formation_can_start_after(status: str, proposals: Iterable[tuple[str]]) -> bool:
    """`formation_can_start` for an opportunity that is not forming, with `status`, whose
    proposals have the statuses `proposals` (one-tuples, iterated only when it is proposed)."""
    if status == Opportunity.PROPOSED:
        return all(found in (Proposal.DECLINED, Proposal.LAPSED) for (found,) in proposals)
    return status in Opportunity.EDITABLE


def best_proposal(proposals: Iterable[Proposal]) -> int | None:
    """The id of the best proposal of the latest search: its cheapest, while it is open or
    formed (an opportunity searched again after every proposal was declined shows which of
    the new ones is best); None when there is none."""
    found = list(proposals)
    if not found:
        return None
    latest = max(p.run_id for p in found)
    best = [p for p in found if p.run_id == latest and p.kind == Proposal.CHEAPEST]
    open_ = [p for p in best if p.status in (Proposal.PROPOSED, Proposal.FORMED)]
    return open_[0].pk if open_ else None


def declined_partners(opportunity: Opportunity) -> QuerySet[Organisation]:
    """The organisations that declined a proposal for `opportunity`: new formation runs leave
    them out (never the posting organisation itself). Its poster may see their names: they
    were partners in its proposals."""
    declined = ProposalPartner.objects.filter(
        proposal__opportunity=opportunity, decision=ProposalPartner.DECLINED
    ).values("organisation")
    return Organisation.objects.filter(pk__in=declined).exclude(pk=opportunity.posted_by_id)


def commission_free(organisation: Organisation, terms: NetworkSettings) -> bool:
    """Does an opportunity `organisation` posts now carry no commission? When the network
    exempts it, or it has formed fewer consortia as a poster than the network's
    `commission_free_contracts`. Counted when posting: opportunities posted before the Nth is
    formed are all free, erring towards the newcomer the exemption is for."""
    if commission_exempt(organisation):
        return True
    limit = terms.commission_free_contracts
    if not limit:
        return False
    formed = Opportunity.objects.filter(posted_by=organisation, status=Opportunity.FORMED)
    return formed.count() < limit


def engine_inputs(opportunity: Opportunity) -> tuple[engine.Network, engine.Opportunity]:
    """The engine's view of the network for `opportunity`: every person holding at least one
    required skill, with their private hours and rates, except in organisations that declined
    an earlier proposal for it. A person's hours are those not reserved by a running contract.
    For the formation task only: what it returns must never be
    shown to a user."""
    requirements = list(opportunity.requirements.select_related("skill"))
    slugs = {r.skill.slug for r in requirements}
    holdings = (
        PersonSkill.objects.filter(skill__slug__in=slugs)
        .exclude(person__organisation__in=declined_partners(opportunity))
        .select_related("skill", "person__organisation")
    )
    skills: dict[int, dict[str, int]] = {}
    people, organisations = {}, {}
    for holding in holdings.order_by("person__organisation__slug", "person_id"):
        person = holding.person
        skills.setdefault(person.pk, {})[holding.skill.slug] = holding.level
        people[person.pk] = person
        organisations[person.organisation.slug] = person.organisation
    reserved = reserved_hours(people)
    network = engine.Network(
        tuple(
            engine.Organisation(slug, org.name, org.coordination_cost)
            for slug, org in organisations.items()
        ),
        tuple(
            engine.Person(str(pk), p.organisation.slug, skills[pk], free, p.cost_rate)
            for pk, p in people.items()
            for free in [max(Decimal(0), p.hours_available - reserved.get(pk, Decimal(0)))]
        ),
    )
    wanted = tuple(engine.Requirement(r.skill.slug, r.min_level, r.hours) for r in requirements)
    return network, engine.Opportunity(
        str(opportunity.pk),
        opportunity.value,
        wanted,
        commission=opportunity.commission_policy(),
        finder=_finder(opportunity),
    )


def _finder(opportunity: Opportunity) -> engine.FinderFee | None:
    """The finder's fee to the organisation that brought the client, by its slug (it need not
    be in the network the engine sees: it is paid whether or not it is a partner)."""
    if opportunity.finder is None:
        return None
    return opportunity.finder_fee(opportunity.finder.slug)
