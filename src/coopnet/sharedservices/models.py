"""Shared services, the organisations enrolled in them, and the fee schedule of each period.

Public to the network: a service's cost model, the names of its members and how many there
are, and each period's pooled cost (the cost of the cheapest pool, which may leave out members
who are better off alone). Private to an organisation (and the network's coordinator): what
going alone costs it and the hours it spends, and so its saving, its shares, and whether it is
better off alone. Selectors enforce this; models only store.

Periods are calendar months, each named by its first day. An enrolment belongs to every period
from `joins` up to, not including, `leaves`. A fee schedule stored for the current or a past
period is never changed: changes take effect from the next period.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from coopnet.common.amounts import HOURS, MONEY
from coopnet.directory.models import Organisation


class SharedService(models.Model):
    ACCOUNTS, IT_SUPPORT, EQUIPMENT, SECURITY, OTHER = (
        "accounts",
        "it-support",
        "equipment",
        "security",
        "other",
    )
    KINDS = [
        (ACCOUNTS, "Accounts and bookkeeping"),
        (IT_SUPPORT, "IT support"),
        (EQUIPMENT, "Equipment"),
        (SECURITY, "Security"),
        (OTHER, "Other"),
    ]

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=KINDS, default=OTHER)
    #: paid once a month as soon as anyone is enrolled
    fixed_cost = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)
    #: paid a month for every member
    per_member_cost = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)
    #: a month for one unit (a specialist, a licence) serving up to `members_per_unit` members
    unit_cost = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)
    members_per_unit = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fixed_cost__gte=0)
                & models.Q(per_member_cost__gte=0)
                & models.Q(unit_cost__gte=0),
                name="service_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(members_per_unit__gte=1), name="service_unit_serves_one"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    service = models.ForeignKey(SharedService, on_delete=models.CASCADE, related_name="enrolments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_enrolments"
    )
    #: private: what the organisation pays a month doing it itself (hours × rate + tools)
    alone_cost = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)
    #: private: billable hours a month the organisation spends doing it itself
    hours_alone = models.DecimalField(default=0, validators=[MinValueValidator(0)], **HOURS)
    #: private: how `alone_cost` was worked out, so that a restatement starts from what was
    #: typed: the rate an hour typed (None: the organisation's average cost rate) and the tools
    #: and subscriptions; `cost_stated` when the admin typed `alone_cost` itself instead
    rate = models.DecimalField(null=True, blank=True, validators=[MinValueValidator(0)], **MONEY)
    tools_cost = models.DecimalField(default=0, validators=[MinValueValidator(0)], **MONEY)
    cost_stated = models.BooleanField(default=True)
    #: the first day of the first period it belongs to
    joins = models.DateField()
    #: the first day of the first period it no longer belongs to; None while open
    leaves = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "joins"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "organisation"],
                condition=models.Q(leaves__isnull=True),
                name="one_open_enrolment",
            ),
            models.CheckConstraint(
                condition=models.Q(alone_cost__gte=0) & models.Q(hours_alone__gte=0),
                name="enrolment_not_negative",
            ),
        ]


class FeeSchedule(models.Model):
    """What a service cost in one period and how it was shared, as computed for that period.

    The cost model is kept as it was, since the coordinator may change it for later periods."""

    service = models.ForeignKey(SharedService, on_delete=models.CASCADE, related_name="schedules")
    #: the first day of the calendar month
    period = models.DateField()
    pooled_cost = models.DecimalField(**MONEY)
    fixed_cost = models.DecimalField(**MONEY)
    per_member_cost = models.DecimalField(**MONEY)
    unit_cost = models.DecimalField(**MONEY)
    members_per_unit = models.PositiveIntegerField()
    #: "shapley" when it is in the core, else "nucleolus"; blank with no members
    recommended = models.CharField(max_length=20, blank=True)
    core_empty = models.BooleanField(default=False)
    least_core_epsilon = models.DecimalField(null=True, blank=True, **MONEY)
    #: solution name -> is it in the core (None: it does not exist)
    contains = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "period"]
        constraints = [
            models.UniqueConstraint(fields=["service", "period"], name="one_schedule_per_period")
        ]


class Fee(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="fees")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_fees"
    )
    #: 0 for a member better off alone: it is not charged, so the fees add up to the pool's cost
    fee = models.DecimalField(**MONEY)
    #: private: the cheapest pool leaves it out (joining would add more than going alone costs it)
    better_alone = models.BooleanField(default=False)
    #: private snapshots of the enrolment in force for the period
    alone_cost = models.DecimalField(**MONEY)
    hours_alone = models.DecimalField(**HOURS)
    saving = models.DecimalField(**MONEY)
    shapley = models.DecimalField(null=True, blank=True, **MONEY)
    nucleolus = models.DecimalField(null=True, blank=True, **MONEY)
    equal = models.DecimalField(null=True, blank=True, **MONEY)
    proportional = models.DecimalField(null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "organisation"], name="one_fee_each")
        ]
