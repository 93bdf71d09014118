"""Writes. Each takes the acting user, checks their right (404 outside the organisations
involved, 403 for a member who may look but not change), validates everything before saving
anything, and runs in one transaction. Error messages are constants the tests assert on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from coopnet.common.access import User, account, is_coordinator
from coopnet.common.amounts import parse_amount
from coopnet.common.dates import date_problem
from coopnet.directory.models import Organisation, Person, PersonSkill, Skill
from coopnet.directory.selectors import is_admin, is_member, organisation_for_member
from coopnet.engine.money import to_money
from coopnet.engine.network import Network
from coopnet.engine.resilience import HOLD_LEVEL, SESSION_HOURS, mentoring_plan, skills_map
from coopnet.mentoring import notices, selectors
from coopnet.mentoring.models import (
    LearningWish,
    LevelChange,
    MentoringOptIn,
    MentorOffer,
    Pairing,
    Plan,
    ScoreSnapshot,
    Session,
)

NOT_COORDINATOR = "Only a network coordinator can compute a mentoring plan."
NOT_ADMIN = "Only an admin of {organisation} can do this."
NOT_YOURS = "Only an admin of {organisation}, or {person} themselves, can change this."
BAD_HOURS = "Enter a number of hours from {low} to {high}, in hundredths at most."
UNKNOWN_SKILL = "Unknown skill {slug!r}: choose one from the network's skill list."
UNKNOWN_PERSON = "No person with the id {value!r} in the network."
BAD_LEVEL = "Skill levels are whole numbers from 1 to 5."
SAME_LEVEL = "{person} is already at level {level} in {skill}."
ALREADY_HOLDS = "{person} already holds {skill} at level {level}: nothing to learn."
ALREADY_WISHED = "{person} already wants to learn {skill}."
BAD_DATE = "Enter a date as YYYY-MM-DD."
FUTURE_DATE = "A session cannot be recorded before it happens: the date is in the future."
SAME_PERSON = "The mentor and the learner must be two different people."
NOT_OPTED_IN = (
    "{mentor_org} and {learner_org} have not both opted in to mentoring across organisations."
)
NOT_PROPOSED = "This pairing is {status}: only a proposed pairing can be accepted or declined."
WRONG_PAIRING = "This session does not match the pairing: same mentor, learner and skill."
MAX_SESSION_HOURS = Decimal(200)
MAX_MENTOR_HOURS = Decimal(2000)


# -- checks -----------------------------------------------------------------------------------


def _hours(value: Any, field: str, *, high: Decimal, zero: bool) -> Decimal:
    amount = parse_amount(value, high, zero=zero)
    if amount is None:
        message = BAD_HOURS.format(low="0" if zero else "more than 0", high=high)
        raise ValidationError({field: message})
    return amount


def _skill(slug: Any, field: str = "skill") -> Skill:
    skill = Skill.objects.filter(slug=str(slug)).first() if slug else None
    if skill is None:
        raise ValidationError({field: UNKNOWN_SKILL.format(slug=slug)})
    return skill


def _person(value: Any, field: str) -> Person:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: UNKNOWN_PERSON.format(value=value)}) from None
    person = Person.objects.select_related("organisation").filter(pk=pk).first()
    if person is None:
        raise ValidationError({field: UNKNOWN_PERSON.format(value=value)})
    return person


def _is_self(actor: User, person: Person) -> bool:
    return actor.is_authenticated and person.user_id is not None and person.user_id == actor.pk


def _admin_of(actor: User, organisation: Organisation) -> None:
    """Nothing for an admin; 403 for a member; 404 for anyone else."""
    if not is_member(actor, organisation):
        raise Http404("no such organisation")
    if not is_admin(actor, organisation):
        raise PermissionDenied(NOT_ADMIN.format(organisation=organisation.name))


def _editor_of(actor: User, person: Person) -> None:
    """An admin of the person's organisation or the person's own user; else 403 or 404."""
    if _is_self(actor, person) or is_admin(actor, person.organisation):
        return
    if not is_member(actor, person.organisation):
        raise Http404("no such person")
    raise PermissionDenied(NOT_YOURS.format(organisation=person.organisation, person=person))


def _both_opted_in(*organisations: Organisation) -> bool:
    ids = {o.pk for o in organisations}
    return len(ids) == 1 or MentoringOptIn.objects.filter(organisation__in=ids).count() == len(ids)


# -- snapshots and plans ----------------------------------------------------------------------


def snapshot_take(
    *,
    when: dt.datetime | None = None,
    organisations: list[Organisation] | None = None,
    network: Network | None = None,
    wanted: dict[str, float] | None = None,
) -> list[ScoreSnapshot]:
    """Record the network's score, and each given organisation's (all when None), at `when`.
    `network` and `wanted` (the demand) may be passed when the caller has them already; else
    the scores are the network's map (`selectors.network_skills`, computed once per change: a
    snapshot after a commit computes the map that the next page reads)."""
    when = when or timezone.now()
    if network is None and wanted is None:
        whole = selectors.network_skills(when)
        score, at_risk, wanted = whole.map.score, len(whole.map.at_risk), whole.wanted
        scores, at_risk_by_organisation = whole.scores, whole.at_risk_by_organisation
    else:
        wanted = selectors.demand(when) if wanted is None else wanted
        result = skills_map(network or selectors.engine_network(), wanted)
        score, at_risk = result.score, len(result.at_risk)
        scores, at_risk_by_organisation = result.organisation_scores, result.organisation_at_risk
    total = Decimal(str(round(sum(wanted.values()), 2)))
    rows = [ScoreSnapshot(taken_at=when, score=score, demanded_hours=total, at_risk_skills=at_risk)]
    chosen = organisations if organisations is not None else list(Organisation.objects.all())
    rows.extend(
        ScoreSnapshot(
            taken_at=when,
            organisation=organisation,
            score=scores.get(organisation.slug, 0.0),
            demanded_hours=total,
            at_risk_skills=at_risk_by_organisation.get(organisation.slug, 0),
        )
        for organisation in chosen
    )
    return ScoreSnapshot.objects.bulk_create(rows)


@transaction.atomic
def plan_compute(*, actor: User, session_hours: Any = SESSION_HOURS) -> Plan:
    """Compute the optimal mentoring plan from today's people, skills, offers, wishes and
    opt-ins; earlier proposed pairings are superseded. Network coordinators only.

    >>> plan_compute(actor=coordinator)  # doctest: +SKIP
    """
    if not is_coordinator(actor):
        raise PermissionDenied(NOT_COORDINATOR)
    hours = _hours(session_hours, "session_hours", high=MAX_SESSION_HOURS, zero=False)
    network, wanted = selectors.engine_network(), selectors.demand()
    result = mentoring_plan(network, wanted, selectors.mentoring_options(), float(hours))
    plan = Plan.objects.create(
        created_by=account(actor),
        session_hours=hours,
        score_before=result.score_before,
        score_after=result.score_after,
        gain=result.gain,
        demand_hours=Decimal(str(round(sum(wanted.values()), 2))),
    )
    Pairing.objects.filter(status=Pairing.PROPOSED).exclude(plan=plan).update(
        status=Pairing.SUPERSEDED
    )
    skills = {s.slug: s for s in Skill.objects.filter(slug__in={p.skill for p in result.pairings})}
    Pairing.objects.bulk_create(
        Pairing(
            plan=plan,
            mentor_id=int(p.mentor),
            learner_id=int(p.learner),
            skill=skills[p.skill],
            hours=to_money(p.hours),
        )
        for p in result.pairings
    )
    snapshot_take(network=network, wanted=wanted)
    notices.plan_made(plan)
    return plan


# -- an organisation's settings, wishes and offers ---------------------------------------------


@transaction.atomic
def opt_in_set(*, actor: User, organisation_slug: str, opted_in: bool) -> bool:
    """Accept (or stop accepting) mentoring pairs with other organisations that opted in."""
    organisation = organisation_for_member(actor, organisation_slug)
    _admin_of(actor, organisation)
    if opted_in:
        MentoringOptIn.objects.get_or_create(
            organisation=organisation, defaults={"opted_in_by": actor}
        )
    else:
        MentoringOptIn.objects.filter(organisation=organisation).delete()
    return opted_in


@transaction.atomic
def wish_add(*, actor: User, person_id: Any, skill: Any) -> LearningWish:
    person = _person(person_id, "person")
    _editor_of(actor, person)
    wanted = _skill(skill)
    level = selectors.held_level(person, wanted.slug)
    if level is not None and level >= HOLD_LEVEL:
        message = ALREADY_HOLDS.format(person=person, skill=wanted, level=level)
        raise ValidationError({"skill": message})
    if LearningWish.objects.filter(person=person, skill=wanted).exists():
        raise ValidationError({"skill": ALREADY_WISHED.format(person=person, skill=wanted)})
    return LearningWish.objects.create(person=person, skill=wanted)


@transaction.atomic
def wish_remove(*, actor: User, wish_id: int) -> None:
    wish = LearningWish.objects.select_related("person__organisation").filter(pk=wish_id).first()
    if wish is None:
        raise Http404("no such wish")
    _editor_of(actor, wish.person)
    wish.delete()


@transaction.atomic
def mentor_hours_set(*, actor: User, person_id: Any, hours: Any | None) -> MentorOffer | None:
    """Offer `hours` of mentoring per period (private to the organisation); None goes back to
    the default of 10% of the person's free hours."""
    person = _person(person_id, "person")
    _editor_of(actor, person)
    if hours is None or hours == "":
        MentorOffer.objects.filter(person=person).delete()
        return None
    amount = _hours(hours, "mentor_hours", high=MAX_MENTOR_HOURS, zero=True)
    offer, _ = MentorOffer.objects.update_or_create(person=person, defaults={"hours": amount})
    return offer


# -- pairings, sessions, level changes --------------------------------------------------------


@transaction.atomic
def pairing_decide(*, actor: User, pairing_id: int, accept: bool) -> Pairing:
    """Accept or decline a proposed pairing for the organisation(s) `actor` administers. It is
    agreed once both organisations accepted, declined as soon as either declines."""
    pairing = selectors.pairing_for_user(actor, pairing_id)
    mentor_org, learner_org = pairing.mentor.organisation, pairing.learner.organisation
    sides = [
        s for s, org in (("mentor", mentor_org), ("learner", learner_org)) if is_admin(actor, org)
    ]
    if not sides:
        raise PermissionDenied(NOT_ADMIN.format(organisation=f"{mentor_org} or {learner_org}"))
    if pairing.status != Pairing.PROPOSED:
        message = NOT_PROPOSED.format(status=pairing.get_status_display().lower())
        raise ValidationError({"accept": message})
    if accept and not _both_opted_in(mentor_org, learner_org):
        message = NOT_OPTED_IN.format(mentor_org=mentor_org, learner_org=learner_org)
        raise ValidationError({"accept": message})
    decision = Pairing.ACCEPTED if accept else Pairing.REFUSED
    for side in sides:
        setattr(pairing, f"{side}_side", decision)
        setattr(pairing, f"{side}_decided_by", actor)
    pairing.decided_at = timezone.now()
    if Pairing.REFUSED in (pairing.mentor_side, pairing.learner_side):
        pairing.status = Pairing.DECLINED
    elif pairing.mentor_side == pairing.learner_side == Pairing.ACCEPTED:
        pairing.status = Pairing.AGREED
    pairing.save()
    notices.pairing_decided(pairing, actor=actor)
    return pairing


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError({"date": BAD_DATE}) from None
    today = timezone.localdate()
    if value > today:
        raise ValidationError({"date": FUTURE_DATE})
    if problem := date_problem(value, today=today):
        raise ValidationError({"date": problem})
    day: dt.date = value
    return day


def _session_people(actor: User, mentor_id: Any, learner_id: Any) -> tuple[Person, Person]:
    errors: dict[str, list[str]] = {}
    found: dict[str, Person] = {}
    for field, value in (("mentor", mentor_id), ("learner", learner_id)):
        try:
            found[field] = _person(value, field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    mentor, learner = found["mentor"], found["learner"]
    if not any(_is_self(actor, p) or is_admin(actor, p.organisation) for p in (mentor, learner)):
        if not any(is_member(actor, p.organisation) for p in (mentor, learner)):
            raise Http404("no such person")
        raise PermissionDenied(
            NOT_ADMIN.format(organisation=f"{mentor.organisation} or {learner.organisation}")
        )
    if mentor.pk == learner.pk:
        raise ValidationError({"learner": SAME_PERSON})
    if not _both_opted_in(mentor.organisation, learner.organisation):
        message = NOT_OPTED_IN.format(
            mentor_org=mentor.organisation, learner_org=learner.organisation
        )
        raise ValidationError({"learner": message})
    return mentor, learner


@transaction.atomic
def session_record(
    *,
    actor: User,
    mentor_id: Any,
    learner_id: Any,
    skill: Any,
    hours: Any,
    date: Any,
    pairing_id: Any = None,
    notes: str = "",
) -> Session:
    """Record a skill-sharing session: by an admin of either organisation, or by the mentor
    or the learner themselves."""
    mentor, learner = _session_people(actor, mentor_id, learner_id)
    shared = _skill(skill)
    amount = _hours(hours, "hours", high=MAX_SESSION_HOURS, zero=False)
    day = _date(date)
    pairing = None
    if pairing_id not in (None, ""):
        pairing = selectors.pairing_for_user(actor, int(pairing_id))
        if (pairing.mentor_id, pairing.learner_id, pairing.skill_id) != (
            mentor.pk,
            learner.pk,
            shared.pk,
        ):
            raise ValidationError({"pairing": WRONG_PAIRING})
    return Session.objects.create(
        mentor=mentor,
        learner=learner,
        skill=shared,
        hours=amount,
        date=day,
        pairing=pairing,
        notes=str(notes)[:5000],
        recorded_by=account(actor),
    )


def _level(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError({"level": BAD_LEVEL})
    try:
        level = int(str(value))
    except (TypeError, ValueError):
        raise ValidationError({"level": BAD_LEVEL}) from None
    if not 1 <= level <= 5:
        raise ValidationError({"level": BAD_LEVEL})
    return level


@transaction.atomic
def level_change_record(
    *,
    actor: User,
    person_id: Any,
    skill: Any,
    level: Any,
    session_id: Any = None,
    when: dt.datetime | None = None,
) -> LevelChange:
    """Set a person's level in a skill (an admin of their organisation), keep the change in
    the history, close the agreed pairings it completes and take score snapshots."""
    person = _person(person_id, "person")
    _admin_of(actor, person.organisation)
    learned, new_level = _skill(skill), _level(level)
    when = when or timezone.now()
    held = PersonSkill.objects.filter(person=person, skill=learned).first()
    if held is not None and held.level == new_level:
        message = SAME_LEVEL.format(person=person, level=new_level, skill=learned)
        raise ValidationError({"level": message})
    session = selectors.session_for_user(actor, int(session_id)) if session_id else None
    PersonSkill.objects.update_or_create(
        person=person, skill=learned, defaults={"level": new_level}
    )
    change = LevelChange.objects.create(
        person=person,
        skill=learned,
        old_level=held.level if held else None,
        new_level=new_level,
        changed_at=when,
        changed_by=account(actor),
        session=session,
    )
    if new_level >= HOLD_LEVEL:
        Pairing.objects.filter(learner=person, skill=learned, status=Pairing.AGREED).update(
            status=Pairing.DONE
        )
    snapshot_take(when=when, organisations=[person.organisation])
    return change
