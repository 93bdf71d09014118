"""Organisations, memberships, people and skills.

Public to the network: organisation names and profiles, people's names and skill levels.
Private to an organisation (and never shown to another): cost rates, capacity, coordination
cost. Selectors enforce this; models only store.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coopnet.common.access import ADMIN, MEMBER, ROLES, Rule
from coopnet.common.amounts import HOURS, MONEY
from coopnet.engine.network import CommissionPolicy, FinderFee


class Organisation(models.Model):
    access = Rule(owner="")

    WORKER_COOP, CONSUMER_COOP, FREELANCER, COMPANY, NON_PROFIT, OTHER = (
        "worker_coop",
        "consumer_coop",
        "freelancer",
        "company",
        "non_profit",
        "other",
    )
    KINDS = [
        (WORKER_COOP, "Worker co-operative"),
        (CONSUMER_COOP, "Other co-operative"),
        (FREELANCER, "Freelancer"),
        (COMPANY, "Company"),
        (NON_PROFIT, "Non-profit"),
        (OTHER, "Other"),
    ]

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    # the database's own defaults too, so that rows written by code that predates these
    # columns (an older release beside this one, a migration's historical model) still fit
    kind = models.CharField(
        max_length=20, choices=KINDS, default=WORKER_COOP, db_default=WORKER_COOP
    )
    location = models.CharField(max_length=120, blank=True, db_default="")
    website = models.URLField(max_length=200, blank=True, db_default="")
    #: its public profile (name, kind, location, website, description, offerings) is shown to
    #: anyone, signed in or not; never its people's rates or any private figure
    public = models.BooleanField(default=False, db_default=False)
    #: private: the fixed cost of bringing this organisation into a consortium
    coordination_cost = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    ADMIN, MEMBER, ROLES = ADMIN, MEMBER, ROLES

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=ROLES, default=MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership")
        ]


class Skill(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    family = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    access = Rule(owner="organisation")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    #: private: hours this person can give to new work
    hours_available = models.DecimalField(default=0, validators=[MinValueValidator(0)], **HOURS)
    #: private: what one hour costs the organisation
    cost_rate = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name


class PersonSkill(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="one_level_per_skill"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1) & models.Q(level__lte=5), name="level_1_to_5"
            ),
        ]


class CommissionTerms(models.Model):
    """The commission policy and the finder's fee (spec §4): the network's, in its settings,
    and each opportunity's own copy, frozen when it is posted. A rate of 0.05 is 5%; amounts
    are in the network's currency; no maximum is None."""

    commission = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(0.5)],
    )
    commission_flat = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)
    commission_min = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)
    commission_max = models.DecimalField(
        null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    #: the finder's fee: a rate of the value or a flat amount (one of the two, or neither)
    finder_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(0.5)],
    )
    finder_flat = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_max__isnull=True)
                | models.Q(commission_min__lte=models.F("commission_max")),
                name="%(app_label)s_%(class)s_commission_min_max",
            ),
            models.CheckConstraint(
                condition=models.Q(finder_rate=0) | models.Q(finder_flat=0),
                name="%(app_label)s_%(class)s_finder_rate_or_flat",
            ),
        ]

    def commission_policy(self) -> CommissionPolicy:
        """The engine's policy: rate x value + flat, within min and max."""
        return CommissionPolicy(
            rate=self.commission,
            flat=self.commission_flat,
            minimum=self.commission_min or None,
            maximum=self.commission_max,
        )

    def finder_fee(self, organisation: str) -> FinderFee:
        """The engine's finder's fee, to `organisation` (its slug)."""
        return FinderFee(organisation, rate=self.finder_rate, flat=self.finder_flat)


#: the fields of `CommissionTerms` the commission is computed from, and the finder's fee from
COMMISSION_TERMS = ("commission", "commission_flat", "commission_min", "commission_max")
FINDER_TERMS = ("finder_rate", "finder_flat")


class NetworkSettings(CommissionTerms):
    """One row: the network-wide settings the coordinator controls. Opportunities copy the
    commission policy and the finder's fee when they are posted (exemptions applied)."""

    #: organisations whose opportunities carry no commission
    commission_exempt = models.ManyToManyField(Organisation, blank=True, related_name="+")
    #: an organisation's first N formed opportunities carry no commission
    commission_free_contracts = models.PositiveIntegerField(default=0)

    #: what a partner reads of the other partners' money (it always reads all of its own:
    #: payout, cost, surplus share, added value). The default shows none of it, nor the
    #: contract's value to those who did not post it: when every partner is essential each
    #: gets the same surplus share, so another partner's payout less one's own share is its
    #: cost; with two partners the value alone gives it. See docs/user-guide.md.
    OWN_ONLY, PAYOUTS, FULL = "own", "payouts", "full"
    PARTNER_VIEWS = [
        (OWN_ONLY, "Only their own money (the others' names, hours and work)"),
        (PAYOUTS, "Also the others' payouts and the contract's value (may give costs away)"),
        (FULL, "Also the others' added values and why (gives costs away)"),
    ]
    partner_view = models.CharField(max_length=8, choices=PARTNER_VIEWS, default=OWN_ONLY)


class Reservation(models.Model):
    """Hours of a person's capacity held by running work (a contract's assignments): formation
    counts only the hours not reserved. Private to the person's organisation, like the hours.
    `holder` names what holds them (e.g. "contract:12"), so that it can release them."""

    access = Rule(owner="person__organisation")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reservations")
    holder = models.CharField(max_length=40, db_index=True)
    hours = models.DecimalField(validators=[MinValueValidator(0)], **HOURS)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "holder"], name="one_reservation_per_holder"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="reservation_hours"),
        ]


class Invitation(models.Model):
    """An organisation's invitation to an existing account, waiting for its owner to accept or
    decline: nobody becomes a member of an organisation without saying so. (A new account's
    owner says so by choosing a password from the invitation's link: see services.)"""

    PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"
    STATUSES = [(PENDING, "Pending"), (ACCEPTED, "Accepted"), (DECLINED, "Declined")]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=10, choices=ROLES, default=MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the secret in the invitation's link; only the invited account may use it
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    answered = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.email} ({self.status})"
