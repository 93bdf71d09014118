"""The skills API, mounted at /api/skills. Entry points only: parse, call a selector or
service, shape the answer. Session auth (with CSRF on unsafe methods) and bearer tokens as the
rest of /api. Organisation-scoped paths, pairings and sessions answer 404 to outsiders for
every method; what these schemas leave out (other organisations' free hours and mentoring
hours) is never sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja import Router, Status

from coopnet.directory.selectors import organisation_for_member
from coopnet.mentoring import selectors, services
from coopnet.mentoring.effects import plan_effect
from coopnet.mentoring.models import LearningWish, Pairing, Plan, ScoreSnapshot, Session
from coopnet.mentoring.schemas import (
    DecisionIn,
    LevelChangeIn,
    LevelChangeOut,
    MapOut,
    MentorHoursIn,
    MentorHoursOut,
    OptInIn,
    OrganisationMapOut,
    PairingOut,
    PlanIn,
    PlanOut,
    SessionIn,
    SessionOut,
    SnapshotOut,
    WishIn,
    WishOut,
)

router = Router(tags=["skills"])

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _skill(row: selectors.SkillRow) -> dict[str, Any]:
    return {
        "skill": row.slug,
        "name": row.name,
        "bus_factor": row.bus_factor,
        "free_hours": row.free_hours,
        "demand": row.demand,
        "demanded": row.demanded,
        "at_risk": row.at_risk,
        "network_bus_factor": row.network_bus_factor,
    }


def _pairing(p: Pairing) -> dict[str, Any]:
    return {
        "id": p.pk,
        "plan": p.plan_id,
        "mentor": p.mentor_id,
        "mentor_name": p.mentor.name,
        "mentor_organisation": p.mentor.organisation.slug,
        "learner": p.learner_id,
        "learner_name": p.learner.name,
        "learner_organisation": p.learner.organisation.slug,
        "skill": p.skill.slug,
        "hours": p.hours,
        "status": p.status,
        "mentor_side": p.mentor_side,
        "learner_side": p.learner_side,
    }


def _plan(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    fields = ("created", "session_hours", "score_before", "score_after", "gain", "demand_hours")
    effect = plan_effect(plan)
    return {"id": plan.pk, **{f: getattr(plan, f) for f in fields}} | {
        "score_now": effect.score,
        "score_with_plan": effect.score_with_plan,
        "pairings": [_pairing(p) for p in selectors.plan_pairings(request.user, plan)],
    }


def _session(s: Session) -> dict[str, Any]:
    return {
        "id": s.pk,
        "mentor": s.mentor_id,
        "mentor_name": s.mentor.name,
        "learner": s.learner_id,
        "learner_name": s.learner.name,
        "skill": s.skill.slug,
        "hours": s.hours,
        "date": s.date,
        "pairing": s.pairing_id,
        "notes": s.notes,
    }


def _snapshot(s: ScoreSnapshot) -> dict[str, Any]:
    return {
        "taken_at": s.taken_at,
        "organisation": s.organisation.slug if s.organisation else None,
        "score": s.score,
        "demanded_hours": s.demanded_hours,
        "at_risk_skills": s.at_risk_skills,
    }


@router.get("/map", response=MapOut)
def network_map(request: HttpRequest) -> dict[str, Any]:
    """The network's skills map and scores; free hours only where holders come from at least
    3 organisations."""
    found = selectors.network_map()
    return {
        "score": found.score,
        "demand_hours": found.demand_hours,
        "since": found.since,
        "skills": [_skill(s) for s in found.skills],
        "organisations": [
            {"organisation": o.slug, "name": o.name, "score": o.score} for o in found.organisations
        ],
    }


@router.get("/organisations/{slug}/map", response=OrganisationMapOut)
def organisation_map(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An organisation's own map with its people's free hours and mentoring: members only."""
    own = selectors.organisation_map(request.user, slug)
    return {
        "organisation": own.organisation.slug,
        "score": own.score,
        "opted_in": own.opted_in,
        "demand_hours": own.demand_hours,
        "skills": [_skill(s) for s in own.skills],
        "people": [
            {
                "id": row.person.pk,
                "name": row.person.name,
                "free_hours": row.person.hours_available,
                "mentor_hours": row.mentor_hours,
                "wants": [w.skill.slug for w in row.wishes],
            }
            for row in own.people
        ],
    }


@router.put("/organisations/{slug}/opt-in", response=OptInIn)
def set_opt_in(request: HttpRequest, slug: str, body: OptInIn) -> dict[str, Any]:
    """Accept mentoring pairs with other organisations that opted in: its admins only."""
    opted = services.opt_in_set(actor=request.user, organisation_slug=slug, opted_in=body.opted_in)
    return {"opted_in": opted}


@router.put("/people/{person_id}/mentor-hours", response=MentorHoursOut)
def set_mentor_hours(request: HttpRequest, person_id: int, body: MentorHoursIn) -> dict[str, Any]:
    """The hours a person can give to mentoring (private to their organisation): its admins,
    or the person's own login."""
    offer = services.mentor_hours_set(actor=request.user, person_id=person_id, hours=body.hours)
    return {"person": person_id, "hours": offer.hours if offer else None}


@router.post("/people/{person_id}/wishes", response={201: WishOut})
def add_wish(request: HttpRequest, person_id: int, body: WishIn) -> Status[Any]:
    """A skill the person wants to learn (the plan may pair them with a mentor for it)."""
    wish = services.wish_add(actor=request.user, person_id=person_id, skill=body.skill)
    return Status(201, {"id": wish.pk, "person": wish.person_id, "skill": wish.skill.slug})


@router.delete("/wishes/{wish_id}", response={204: None})
def remove_wish(request: HttpRequest, wish_id: int) -> Status[Any]:
    services.wish_remove(actor=request.user, wish_id=wish_id)
    return Status(204, None)


@router.get("/plan", response={200: PlanOut, 404: dict})
def get_plan(request: HttpRequest) -> Any:
    """The latest plan, with the pairings the caller may see."""
    plan = selectors.latest_plan()
    if plan is None:
        return Status(404, {"detail": "No mentoring plan has been computed yet."})
    return _plan(request, plan)


@router.post("/plan", response={201: PlanOut})
def compute_plan(request: HttpRequest, body: PlanIn) -> Status[Any]:
    """Compute a new plan (network coordinators only)."""
    plan = services.plan_compute(actor=request.user, session_hours=body.session_hours)
    return Status(201, _plan(request, plan))


@router.post("/pairings/{pairing_id}/decision", response=PairingOut)
def decide(request: HttpRequest, pairing_id: int, body: DecisionIn) -> dict[str, Any]:
    """Accept or decline a proposed pairing for the organisation(s) you administer."""
    pairing = services.pairing_decide(actor=request.user, pairing_id=pairing_id, accept=body.accept)
    return _pairing(selectors.pairing_for_user(request.user, pairing.pk))


@router.get("/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    """The sessions involving your organisations (every session for a coordinator)."""
    return [_session(s) for s in selectors.visible_sessions(request.user)[:500]]


@router.post("/sessions", response={201: SessionOut})
def record_session(request: HttpRequest, body: SessionIn) -> Status[Any]:
    session = services.session_record(
        actor=request.user,
        mentor_id=body.mentor,
        learner_id=body.learner,
        skill=body.skill,
        hours=body.hours,
        date=body.date,
        pairing_id=body.pairing,
        notes=body.notes,
    )
    return Status(201, _session(selectors.session_for_user(request.user, session.pk)))


@router.get("/sessions/{session_id}", response=SessionOut)
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return _session(selectors.session_for_user(request.user, session_id))


@router.post("/level-changes", response={201: LevelChangeOut})
def record_level_change(request: HttpRequest, body: LevelChangeIn) -> Status[Any]:
    """Set a person's level in a skill: an admin of their organisation."""
    change = services.level_change_record(
        actor=request.user,
        person_id=body.person,
        skill=body.skill,
        level=body.level,
        session_id=body.session,
    )
    return Status(
        201,
        {
            "id": change.pk,
            "person": change.person_id,
            "skill": change.skill.slug,
            "old_level": change.old_level,
            "new_level": change.new_level,
            "changed_at": change.changed_at,
        },
    )


@router.get("/history", response=list[SnapshotOut])
def history(request: HttpRequest, organisation: str | None = None) -> list[dict[str, Any]]:
    """The score over time: of the network, or of one organisation (scores are public)."""
    found = selectors.history(organisation).select_related("organisation")
    return [_snapshot(s) for s in found]


def _refuse_other_methods(path: str, allowed: list[str], check: Callable[..., Any]) -> None:
    """Answer the methods `path` does not take: 404 for outsiders (`check` raises it), 405
    for the others; django-ninja alone would answer 405 to everyone."""
    methods = [m for m in ALL_METHODS if m not in allowed]
    router.api_operation(methods, path, include_in_schema=False)(check)


def _map_other(request: HttpRequest, slug: str) -> HttpResponse:
    organisation_for_member(request.user, slug)
    return HttpResponseNotAllowed(["GET"])


def _opt_in_other(request: HttpRequest, slug: str) -> HttpResponse:
    organisation_for_member(request.user, slug)
    return HttpResponseNotAllowed(["PUT"])


def _decision_other(request: HttpRequest, pairing_id: int) -> HttpResponse:
    selectors.pairing_for_user(request.user, pairing_id)
    return HttpResponseNotAllowed(["POST"])


def _session_other(request: HttpRequest, session_id: int) -> HttpResponse:
    selectors.session_for_user(request.user, session_id)
    return HttpResponseNotAllowed(["GET"])


def _person_other(request: HttpRequest, person_id: int, allowed: str) -> HttpResponse:
    if not selectors.person_visible(request.user, person_id):
        raise Http404("no such person")
    return HttpResponseNotAllowed([allowed])


def _mentor_hours_other(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_other(request, person_id, "PUT")


def _wishes_other(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_other(request, person_id, "POST")


def _wish_other(request: HttpRequest, wish_id: int) -> HttpResponse:
    person = LearningWish.objects.filter(pk=wish_id).values_list("person_id", flat=True).first()
    if person is None or not selectors.person_visible(request.user, person):
        raise Http404("no such wish")
    return HttpResponseNotAllowed(["DELETE"])


_refuse_other_methods("/organisations/{slug}/map", ["GET"], _map_other)
_refuse_other_methods("/people/{person_id}/mentor-hours", ["PUT"], _mentor_hours_other)
_refuse_other_methods("/people/{person_id}/wishes", ["POST"], _wishes_other)
_refuse_other_methods("/wishes/{wish_id}", ["DELETE"], _wish_other)
_refuse_other_methods("/organisations/{slug}/opt-in", ["PUT"], _opt_in_other)
_refuse_other_methods("/pairings/{pairing_id}/decision", ["POST"], _decision_other)
_refuse_other_methods("/sessions/{session_id}", ["GET"], _session_other)
