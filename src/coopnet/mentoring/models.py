"""Opt-ins, learning wishes, mentor offers, mentoring plans and their pairings, skill-sharing
sessions, level changes and score snapshots.

Public to the network: skill levels (and so bus factors and scores), names. Private to an
organisation: its people's free hours and mentor offers. Pairings and sessions are seen by the
organisations of the two people involved and by the coordinator. Selectors enforce this;
models only store.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coopnet.common.amounts import HOURS
from coopnet.directory.models import Organisation, Person, Skill

USER = settings.AUTH_USER_MODEL


class MentoringOptIn(models.Model):
    """Present while the organisation accepts mentoring pairs with other organisations."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="mentoring_opt_in"
    )
    opted_in_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)


class LearningWish(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="learning_wishes")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__name", "skill__slug"]
        constraints = [models.UniqueConstraint(fields=["person", "skill"], name="one_wish")]


class MentorOffer(models.Model):
    """Private: the hours a person offers to mentor; overrides the 10% default."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mentor_offer")
    hours = models.DecimalField(validators=[MinValueValidator(0)], **HOURS)
    updated = models.DateTimeField(auto_now=True)


class Plan(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    session_hours = models.DecimalField(**HOURS)
    score_before = models.FloatField()
    score_after = models.FloatField()
    gain = models.FloatField()
    demand_hours = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-created", "-pk"]


class Pairing(models.Model):
    PROPOSED, AGREED, DECLINED, DONE = "proposed", "agreed", "declined", "done"
    SUPERSEDED = "superseded"
    STATUSES = [
        (PROPOSED, "Proposed"),
        (AGREED, "Agreed"),
        (DECLINED, "Declined"),
        (DONE, "Done"),
        (SUPERSEDED, "Superseded by a newer plan"),
    ]
    ACCEPTED, REFUSED = "accepted", "declined"
    DECISIONS = [("", "Not decided"), (ACCEPTED, "Accepted"), (REFUSED, "Declined")]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pairings")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(**HOURS)
    status = models.CharField(max_length=12, choices=STATUSES, default=PROPOSED)
    #: the decision of the mentor's organisation, and of the learner's (the same if one)
    mentor_side = models.CharField(max_length=10, choices=DECISIONS, blank=True)
    learner_side = models.CharField(max_length=10, choices=DECISIONS, blank=True)
    mentor_decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learner_decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["skill__slug", "mentor__name", "learner__name", "pk"]


class Session(models.Model):
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(validators=[MinValueValidator(0)], **HOURS)
    date = models.DateField()
    pairing = models.ForeignKey(
        Pairing, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="session_hours")
        ]


class LevelChange(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="level_changes")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    old_level = models.PositiveSmallIntegerField(null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]


class ScoreSnapshot(models.Model):
    """A resilience score at a moment: of the network (no organisation) or of one."""

    taken_at = models.DateTimeField()
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()
    demanded_hours = models.DecimalField(max_digits=12, decimal_places=2)
    at_risk_skills = models.PositiveIntegerField()

    class Meta:
        ordering = ["taken_at", "pk"]
