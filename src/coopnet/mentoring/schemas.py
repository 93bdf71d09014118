"""The skills API's request and response schemas (see api.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from coopnet.common.amounts import Number


class SkillOut(Schema):
    skill: str
    name: str
    bus_factor: int
    #: null when hidden: holders from fewer than 3 organisations
    free_hours: Decimal | None
    #: null when hidden: asked for by opportunities of fewer than 3 organisations
    demand: Decimal | None
    demanded: bool
    at_risk: bool


class OrganisationScoreOut(Schema):
    organisation: str
    name: str
    score: float


class MapOut(Schema):
    score: float
    demand_hours: Decimal
    since: dt.datetime
    skills: list[SkillOut]
    organisations: list[OrganisationScoreOut]


class OwnSkillOut(SkillOut):
    network_bus_factor: int
    free_hours: Decimal


class OwnPersonOut(Schema):
    id: int
    name: str
    free_hours: Decimal
    mentor_hours: Decimal | None
    wants: list[str]


class OrganisationMapOut(Schema):
    organisation: str
    score: float
    opted_in: bool
    demand_hours: Decimal
    skills: list[OwnSkillOut]
    people: list[OwnPersonOut]


class OptInIn(Schema):
    opted_in: bool


class PairingOut(Schema):
    id: int
    plan: int
    mentor: int
    mentor_name: str
    mentor_organisation: str
    learner: int
    learner_name: str
    learner_organisation: str
    skill: str
    hours: Decimal
    status: str
    mentor_side: str
    learner_side: str


class PlanOut(Schema):
    id: int
    created: dt.datetime
    session_hours: Decimal
    #: the score, the score with the plan and the gain when the plan was computed
    score_before: float
    score_after: float
    gain: float
    demand_hours: Decimal
    #: today's score, and what the plan's standing pairings would take it to today
    score_now: float
    score_with_plan: float
    #: the pairings the caller may see: all for a coordinator, else their organisations'
    pairings: list[PairingOut]


class PlanIn(Schema):
    session_hours: Number = Decimal(10)


class DecisionIn(Schema):
    accept: bool


class SessionIn(Schema):
    mentor: int
    learner: int
    skill: str
    hours: Number
    date: dt.date
    pairing: int | None = None
    notes: str = ""


class SessionOut(Schema):
    id: int
    mentor: int
    mentor_name: str
    learner: int
    learner_name: str
    skill: str
    hours: Decimal
    date: dt.date
    pairing: int | None
    notes: str


class LevelChangeIn(Schema):
    person: int
    skill: str
    level: int
    session: int | None = None


class LevelChangeOut(Schema):
    id: int
    person: int
    skill: str
    old_level: int | None
    new_level: int
    changed_at: dt.datetime


class SnapshotOut(Schema):
    taken_at: dt.datetime
    organisation: str | None
    score: float
    demanded_hours: Decimal
    at_risk_skills: int


class MentorHoursIn(Schema):
    #: mentoring hours a month; null goes back to the default (10% of the free hours)
    hours: Number | None


class MentorHoursOut(MentorHoursIn):
    person: int


class WishIn(Schema):
    skill: str


class WishOut(WishIn):
    id: int
    person: int
