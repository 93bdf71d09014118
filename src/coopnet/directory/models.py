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


class Organisation(models.Model):
    access = Rule(owner="")

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
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


class NetworkSettings(models.Model):
    """One row: the network-wide settings the coordinator controls."""

    commission = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(0.5)],
    )


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
