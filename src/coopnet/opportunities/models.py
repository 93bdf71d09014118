"""Opportunities, formation runs, proposals and their partners and assignments.

An opportunity is private to its posting organisation until coopnet proposes a consortium for
it; then each partner of a proposal may see the opportunity and that proposal (never the
formation run, nor the proposals it is not in). Proposals never
store a partner's rates or capacity; their total `cost` is kept for ranking and is never shown,
since with one's own cost it would reveal the others'. A partner's `own_cost` and
`surplus_share` are its own: only its members see them. Selectors enforce who sees what.
Partners' explanations are stored as facts (a reason code, the skills only a partner brings)
and put into words when shown, in the network's currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from coopnet.common.amounts import HOURS, MONEY
from coopnet.directory.models import CommissionTerms, Organisation, Person, Skill
from coopnet.engine import network as engine
from coopnet.engine.fairshare import Reason


class Opportunity(CommissionTerms):
    """A client's opportunity. Its commission policy and finder's fee (`CommissionTerms`) are
    the network's when it was posted, with no commission when its poster was exempt; the
    coordinator may override the commission until a consortium is formed. Both are taken off
    the top of the value before the partners share the rest."""

    DRAFT, FORMING, PROPOSED, FORMED = "draft", "forming", "proposed", "formed"
    INFEASIBLE, UNPROFITABLE, FAILED = "infeasible", "unprofitable", "failed"
    #: every proposal ended without one formed: all declined, or some lapsed
    DECLINED, LAPSED = "declined", "lapsed"
    #: ended by its poster before a consortium was formed
    WITHDRAWN, CLOSED = "withdrawn", "closed"
    STATUSES = [
        (DRAFT, "Draft"),
        (FORMING, "Forming a consortium"),
        (PROPOSED, "Consortium proposed"),
        (FORMED, "Consortium formed"),
        (INFEASIBLE, "No consortium can deliver it"),
        (UNPROFITABLE, "No consortium can deliver it at a profit"),
        (FAILED, "Formation failed"),
        (DECLINED, "All proposals declined"),
        (LAPSED, "Proposals lapsed or declined"),
        (WITHDRAWN, "Withdrawn"),
        (CLOSED, "Closed"),
    ]
    #: what its poster may edit, withdraw or close: no proposal pending, no search running,
    #: no consortium formed
    EDITABLE = frozenset({DRAFT, INFEASIBLE, UNPROFITABLE, FAILED, DECLINED, LAPSED})

    posted_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(max_length=200)
    client = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    value = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)
    #: the organisation that brought the client (the poster unless set otherwise), paid the
    #: finder's fee whether or not it is a partner; None for no finder
    finder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="opportunities_found",
    )
    deadline = models.DateField()
    status = models.CharField(max_length=12, choices=STATUSES, default=DRAFT)
    #: the poster's consent to show the title on its partners' public profiles once a
    #: consortium is formed (set by the poster's admins); without it, profiles say only who
    #: worked with whom, and when
    title_public = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta(CommissionTerms.Meta):
        ordering = ["-created", "-pk"]
        verbose_name_plural = "opportunities"

    @property
    def commission_amount(self) -> Decimal:
        """The network's commission on the value by the frozen policy, to the cent."""
        return engine.commission_amount(self.value, self.commission_policy())

    @property
    def finder_amount(self) -> Decimal:
        """The finder's fee, to the cent, at most what the commission leaves; 0 without one."""
        fee = None if self.finder_id is None else self.finder_fee("")
        return engine.finder_amount(self.value, fee, self.commission_amount)

    @property
    def distributable(self) -> Decimal:
        """What the partners share: the value less the commission and the finder's fee."""
        return self.value - self.commission_amount - self.finder_amount

    def __str__(self) -> str:
        return self.title


class Requirement(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="requirements"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours = models.DecimalField(validators=[MinValueValidator(0)], **HOURS)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_level__gte=1) & models.Q(min_level__lte=5),
                name="requirement_level_1_to_5",
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="requirement_hours"),
        ]


#: a formation run queued or running for longer than this has lost its worker (the largest
#: benchmarked searches take seconds)
STALE_AFTER = dt.timedelta(minutes=30)


class FormationRun(models.Model):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=8, choices=STATUSES, default=QUEUED)
    #: the decision deadline its proposals get (`Proposal.decide_by`)
    decide_by = models.DateField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    #: what a user may read: never a rate, a capacity or a cost
    message = models.CharField(max_length=500, blank=True)
    #: for operators only (the traceback of a failure); never shown through the API
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    @property
    def is_stale(self) -> bool:
        """Queued or running for longer than any search takes: its worker has gone (stopped,
        restarted or killed), and the search may be started again."""
        if self.status not in (self.QUEUED, self.RUNNING):
            return False
        since = self.started or self.created
        return since is not None and timezone.now() - since > STALE_AFTER

    @property
    def is_active(self) -> bool:
        """Queued or running, and not stale: worth polling."""
        return self.status in (self.QUEUED, self.RUNNING) and not self.is_stale


class Proposal(models.Model):
    CHEAPEST, FEWEST, SKILL_SHARING = "cheapest", "fewest_organisations", "skill_sharing"
    KINDS = [
        (CHEAPEST, "Cheapest"),
        (FEWEST, "Fewest organisations"),
        (SKILL_SHARING, "Most skill-sharing"),
    ]
    PROPOSED, DECLINED, FORMED = "proposed", "declined", "formed"
    #: still open when another proposal for the same opportunity was formed: closed
    SUPERSEDED = "superseded"
    #: still open when its decision deadline passed
    LAPSED = "lapsed"
    #: still open when its poster withdrew or closed the opportunity
    WITHDRAWN = "withdrawn"
    STATUSES = [
        (PROPOSED, "Proposed"),
        (DECLINED, "Declined"),
        (FORMED, "Formed"),
        (SUPERSEDED, "Superseded"),
        (LAPSED, "Lapsed"),
        (WITHDRAWN, "Withdrawn"),
    ]
    SHAPLEY, NUCLEOLUS = "shapley", "nucleolus"
    SOLUTIONS = [(SHAPLEY, "Shapley value"), (NUCLEOLUS, "Nucleolus")]

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="proposals")
    run = models.ForeignKey(FormationRun, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=24, choices=KINDS)
    #: private to the platform: the consortium's total cost (never shown to anyone)
    cost = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=STATUSES, default=PROPOSED)
    recommended = models.CharField(max_length=10, choices=SOLUTIONS, default=SHAPLEY)
    #: is the recommended split in the core? None when it could not be checked
    in_core = models.BooleanField(null=True)
    #: what else the engine said about the plan (skill-sharing hours, solver status)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    #: the last day its partners may decide; still pending after it, it lapses (None: no limit)
    decide_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class ProposalPartner(models.Model):
    PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"
    DECISIONS = [(PENDING, "Pending"), (ACCEPTED, "Accepted"), (DECLINED, "Declined")]

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships"
    )
    REASONS = [(reason.value, reason.value.replace("_", " ")) for reason in Reason]

    #: the recommended split's payout (Shapley, or the nucleolus when Shapley is unstable)
    payout = models.DecimalField(**MONEY)
    #: the payout under the Shapley value: differs from `payout` only when the nucleolus is paid
    shapley_payout = models.DecimalField(**MONEY)
    #: what the consortium would earn less without this organisation
    added_value = models.DecimalField(**MONEY)
    #: why it matters (`engine.fairshare.Reason`); blank on rows stored before reasons were kept
    reason = models.CharField(max_length=24, choices=REASONS, blank=True)
    #: the required skills only this organisation brings: [{"skill": slug, "min_level": n}]
    unique_skills = models.JSONField(default=list, blank=True)
    #: its people's assigned hours (public: the assignments show them)
    hours = models.DecimalField(default=0, **HOURS)
    #: private to the organisation: its people's hours at their rates plus its coordination
    #: cost; None on rows stored before it was kept
    own_cost = models.DecimalField(null=True, blank=True, **MONEY)
    #: private to the organisation: `payout` - `own_cost`, its share of the surplus
    surplus_share = models.DecimalField(null=True, blank=True, **MONEY)
    #: the words stored before facts were kept, for the rows whose reason could not be read back
    legacy_explanation = models.TextField(blank=True)
    decision = models.CharField(max_length=8, choices=DECISIONS, default=PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: why it declined, for the poster (required with a decline)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="one_partner_row_per_organisation"
            )
        ]


class Assignment(models.Model):
    WORK, LEARNING, SUPERVISING = "work", "learning", "supervising"
    ROLES = [(WORK, "Work"), (LEARNING, "Learning"), (SUPERVISING, "Supervising")]

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    requirement = models.ForeignKey(
        Requirement, null=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    hours = models.DecimalField(**HOURS)
    role = models.CharField(max_length=12, choices=ROLES, default=WORK)

    class Meta:
        ordering = ["organisation__name", "person__name", "pk"]
