"""The directory's API: the public search and profiles, and an organisation's people with their
private fields for its own members. Mounted at /api by the project. Entry points only: parse,
call a selector or service, shape the answer."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from coopnet.common import derived
from coopnet.common.amounts import Number
from coopnet.directory import search_sql, selectors, services
from coopnet.directory.models import Invitation, Organisation, Person, Skill

router = Router()

#: the most skills one search of the API answers with
MAX_SKILL_MATCHES = 50


class SkillLevel(Schema):
    skill: str
    level: int


class PublicPerson(Schema):
    """What the whole network may see of a person: no rate, no exact capacity."""

    id: int
    name: str
    organisation: str
    skills: list[SkillLevel]


class PrivatePerson(PublicPerson):
    hours_available: Decimal
    cost_rate: Decimal


class PersonIn(Schema):
    name: str
    hours_available: Number = Decimal(0)
    cost_rate: Number = Decimal(0)
    skills: dict[str, int] = {}


class PersonPatch(Schema):
    name: str | None = None
    hours_available: Number | None = None
    cost_rate: Number | None = None
    skills: dict[str, int] | None = None


class TaxonomySkill(Schema):
    """A skill of the network's taxonomy: its slug is what the other operations take."""

    slug: str
    name: str
    family: str


class OrganisationOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    location: str
    website: str
    public: bool
    people: list[PublicPerson]


def _skills(person: Person) -> list[dict[str, Any]]:
    return [{"skill": s.skill.slug, "level": s.level} for s in person.skills.all()]


def _public(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "organisation": person.organisation.slug,
        "skills": _skills(person),
    }


def _private(person: Person) -> dict[str, Any]:
    return _public(person) | {
        "hours_available": person.hours_available,
        "cost_rate": person.cost_rate,
    }


#: the people API's pages: `limit` people from `offset` (a `Link` header names the next page)
PAGE_DEFAULT, PAGE_MOST, OFFSET_MOST = 50, 200, 100_000


def _people_page(
    user: Any, arguments: dict[str, Any], limit: int, offset: int
) -> tuple[bytes, bool]:
    """The people API's page as its JSON body (as ninja writes what the response schema,
    `list[PublicPerson]`, validated: the rows are plain ints and strings in its fields'
    order), and whether more people follow."""
    people = search_sql.prepared(user, **arguments).people(offset, limit + 1)
    rows = [
        {
            "id": p.pk,
            "name": p.name,
            "organisation": p.organisation_slug,
            "skills": [{"skill": s.slug, "level": s.level} for s in p.skills],
        }
        for p in people[:limit]
    ]
    return json.dumps(rows).encode(), len(people) > limit


@router.get("/people", response=list[PublicPerson], tags=["directory"])
def search_people(
    request: HttpRequest,
    response: HttpResponse,
    skill: str | None = None,
    min_level: Annotated[int, Query(ge=1, le=5)] = 1,
    min_hours: Decimal | None = None,
    name: str | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MOST)] = PAGE_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=OFFSET_MOST)] = 0,
) -> HttpResponse:
    """Who in the network can do `skill` at `min_level` or above, with `min_hours` free:
    exactly for your own organisations' people; for others' by the band of free hours it
    falls in (at least 0, 10, 40, 100 or 200), since nobody else's hours are shown. A page of
    `limit` people (50 unless asked, at most 200) from `offset`; when there are more, the
    `Link` header gives the next page's address (rel="next")."""
    # The page's JSON is kept until the network changes for everyone who asks the same
    # (selectors.search_key).
    arguments: dict[str, Any] = {
        "skill": skill,
        "min_level": min_level,
        "min_hours": min_hours,
        "name": name,
    }
    key = f"directory:people:{selectors.search_key(request.user, **arguments)}:{limit}:{offset}"
    body, more = derived.kept(key, lambda: _people_page(request.user, arguments, limit, offset))
    if more:
        following = request.GET.copy()
        following["offset"] = str(offset + limit)
        following["limit"] = str(limit)
        address = request.build_absolute_uri(f"{request.path}?{following.urlencode()}")
        response["Link"] = f'<{address}>; rel="next"'
    response.content = body
    return response


@router.get("/skills", response=list[TaxonomySkill], tags=["directory"])
def search_skills(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=120)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_SKILL_MATCHES)] = selectors.SKILL_MATCHES,
) -> list[Skill]:
    """The taxonomy's skills whose slug or name contains `q` (in any case), at most `limit`:
    the one named exactly first, then those that start with `q`, then the rest, by name (with
    no `q`, the first by name). The skills' slugs are what the other operations take."""
    return selectors.skill_search(q, limit=limit)


@router.get("/organisations/{slug}", response=OrganisationOut, tags=["directory"])
def organisation_profile(request: HttpRequest, slug: str) -> dict[str, Any]:
    organisation = selectors.organisation_public(slug)
    people = organisation.people.prefetch_related("skills__skill").select_related("organisation")
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "description": organisation.description,
        "kind": organisation.kind,
        "location": organisation.location,
        "website": organisation.website,
        "public": organisation.public,
        "people": [_public(p) for p in people],
    }


@router.get("/organisations/{slug}/people", response=list[PrivatePerson], tags=["people"])
def organisation_people(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """An organisation's people with their rates and capacity: its own members only."""
    return [_private(p) for p in selectors.people_private(request.user, slug)]


@router.post("/organisations/{slug}/people", response={201: PrivatePerson}, tags=["people"])
def create_person(request: HttpRequest, slug: str, body: PersonIn) -> Status[Any]:
    person = services.person_create(
        actor=request.user,
        organisation_slug=slug,
        name=body.name,
        hours_available=body.hours_available,
        cost_rate=body.cost_rate,
        skills=body.skills,
    )
    return Status(201, _private(person))


@router.get("/people/{person_id}", response=PrivatePerson, tags=["people"])
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return _private(selectors.person_for_member(request.user, person_id))


@router.patch("/people/{person_id}", response=PrivatePerson, tags=["people"])
def update_person(request: HttpRequest, person_id: int, body: PersonPatch) -> dict[str, Any]:
    changes = body.dict(exclude_unset=True)
    return _private(services.person_update(actor=request.user, person_id=person_id, **changes))


@router.delete("/people/{person_id}", response={204: None}, tags=["people"])
def delete_person(request: HttpRequest, person_id: int) -> Status[Any]:
    services.person_delete(actor=request.user, person_id=person_id)
    return Status(204, None)


# -- invitations: the invited account's own ------------------------------------------------


class InvitationOut(Schema):
    id: int
    organisation: str
    organisation_name: str
    role: str
    invited_by: str | None
    created: dt.datetime
    expires: dt.datetime
    status: str


def _invitation(invitation: Invitation) -> dict[str, Any]:
    inviter = invitation.invited_by
    return {
        "id": invitation.pk,
        "organisation": invitation.organisation.slug,
        "organisation_name": invitation.organisation.name,
        "role": invitation.role,
        "invited_by": inviter.get_username() if inviter is not None else None,
        "created": invitation.created,
        "expires": invitation.expires,
        "status": invitation.status,
    }


@router.get("/invitations", response=list[InvitationOut], tags=["invitations"])
def my_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    """The invitations waiting for the signed-in account's answer."""
    return [_invitation(i) for i in selectors.invitations_pending(request.user)]


@router.post("/invitations/{invitation_id}/accept", response=InvitationOut, tags=["invitations"])
def accept_invitation(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    """Accept: the account becomes a member of the organisation (only now)."""
    answered = services.invitation_answer(
        actor=request.user, invitation_id=invitation_id, accept=True
    )
    return _invitation(answered)


@router.post("/invitations/{invitation_id}/decline", response=InvitationOut, tags=["invitations"])
def decline_invitation(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    """Decline: nothing changes but the invitation, which can no longer be accepted."""
    answered = services.invitation_answer(
        actor=request.user, invitation_id=invitation_id, accept=False
    )
    return _invitation(answered)


# -- the audit trail ------------------------------------------------------------------------


class AuditEventOut(Schema):
    at: dt.datetime
    actor: str
    organisation: str | None
    action: str
    object_type: str
    object_id: str
    summary: str
    request_id: str


@router.get("/audit", response=list[AuditEventOut], tags=["audit"])
def audit_trail(
    request: HttpRequest, organisation: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The newest events the caller may read (at most `limit`, up to 1000): the coordinator's
    are all of them; an organisation admin's, its organisations'. `organisation` (a slug)
    narrows them to one: 404 unless the caller is the coordinator or one of its admins."""
    events = list(selectors.audit_trail(request.user, organisation)[: max(1, min(limit, 1000))])
    slugs = dict(
        Organisation.objects.filter(pk__in={e.organisation_id for e in events}).values_list(
            "pk", "slug"
        )
    )
    return [
        {
            "at": e.at,
            "actor": e.actor_name,
            "organisation": slugs.get(e.organisation_id or 0),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "summary": e.summary,
            "request_id": e.request_id,
        }
        for e in events
    ]
