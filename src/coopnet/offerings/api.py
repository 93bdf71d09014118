"""The offerings' API, mounted at /api/offerings. Entry points only: parse, call a selector or
service, shape the answer. Anyone signed in reads every offering and compares them; an
organisation's admins add, change and remove its own (404 to anyone else)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from coopnet.common.amounts import Number
from coopnet.offerings import selectors, services
from coopnet.offerings.models import Offering

router = Router(tags=["offerings"])

#: the most offerings one page of the list answers with
MAX_LIMIT = 100


class NamedSkill(Schema):
    slug: str
    name: str


class OfferingOut(Schema):
    id: int
    organisation: str
    organisation_name: str
    organisation_kind: str
    name: str
    description: str
    skills: list[NamedSkill]
    #: the advertised price band, in the network's currency
    price_low: Decimal | None
    price_high: Decimal | None
    size: str
    lead_time_days: int | None


class OfferingIn(Schema):
    organisation: str
    name: str
    description: str = ""
    skills: list[str] = []
    price_low: Number | None = None
    price_high: Number | None = None
    size: str = ""
    lead_time_days: int | None = None


class OfferingPatch(Schema):
    name: str | None = None
    description: str | None = None
    skills: list[str] | None = None
    price_low: Number | None = None
    price_high: Number | None = None
    size: str | None = None
    lead_time_days: int | None = None


class PairOut(Schema):
    first: int
    second: int
    #: the skills both draw on (by name): they compete there, unless of one organisation
    overlap: list[str]
    only_first: list[str]
    only_second: list[str]
    competes: bool


class PartnerOut(Schema):
    organisation: str
    offerings: list[str]
    adds: list[str]


class BundleOut(Schema):
    offering: int
    partners: list[PartnerOut]
    uncovered: list[str]


class ComparisonOut(Schema):
    offerings: list[OfferingOut]
    skills: list[str]
    pairs: list[PairOut]
    bundles: list[BundleOut]


def _out(offering: Offering) -> dict[str, Any]:
    organisation = offering.organisation
    return {
        "id": offering.pk,
        "organisation": organisation.slug,
        "organisation_name": organisation.name,
        "organisation_kind": organisation.kind,
        "name": offering.name,
        "description": offering.description,
        "skills": [{"slug": s.slug, "name": s.name} for s in offering.skills.all()],
        "price_low": offering.price_low,
        "price_high": offering.price_high,
        "size": offering.size,
        "lead_time_days": offering.lead_time_days,
    }


@router.get("", response=list[OfferingOut])
def list_offerings(
    request: HttpRequest,
    skill: str = "",
    kind: str = "",
    organisation: str = "",
    limit: int = MAX_LIMIT,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The network's offerings, by organisation and name: those drawing on `skill` (a slug),
    of organisations of `kind`, of `organisation` (a slug); at most `limit` from `offset`."""
    rows = selectors.offerings_browse(
        request.user, skill=skill, kind=kind, organisation=organisation
    )
    start = max(offset, 0)
    return [_out(o) for o in rows[start : start + max(1, min(limit, MAX_LIMIT))]]


@router.get("/compare", response=ComparisonOut)
def compare_offerings(request: HttpRequest, ids: str = "") -> dict[str, Any]:
    """The offerings `ids` (two to four, comma separated) compared: each pair's overlap and
    complement, and for each the partners that best cover what it lacks (greedy set cover)."""
    try:
        wanted = selectors.parse_ids([ids])
    except ValueError:
        raise ValidationError({"ids": selectors.TOO_FEW}) from None
    found = selectors.comparison(request.user, wanted)
    return {
        "offerings": [_out(o) for o in found.offerings],
        "skills": list(found.skills),
        "pairs": [
            {
                "first": p.first.pk,
                "second": p.second.pk,
                "overlap": list(p.overlap),
                "only_first": list(p.only_first),
                "only_second": list(p.only_second),
                "competes": p.competes,
            }
            for p in found.pairs
        ],
        "bundles": [
            {
                "offering": b.base.pk,
                "uncovered": list(b.uncovered),
                "partners": [
                    {
                        "organisation": p.organisation.slug,
                        "offerings": list(p.offerings),
                        "adds": list(p.adds),
                    }
                    for p in b.partners
                ],
            }
            for b in found.bundles
        ],
    }


@router.get("/{offering_id}", response=OfferingOut)
def get_offering(request: HttpRequest, offering_id: int) -> dict[str, Any]:
    return _out(selectors.offering_visible(request.user, offering_id))


@router.post("", response={201: OfferingOut})
def create_offering(request: HttpRequest, body: OfferingIn) -> Status[Any]:
    fields = body.dict()
    slug = fields.pop("organisation")
    offering = services.offering_create(actor=request.user, organisation_slug=slug, **fields)
    return Status(201, _out(offering))


@router.patch("/{offering_id}", response=OfferingOut)
def update_offering(request: HttpRequest, offering_id: int, body: OfferingPatch) -> dict[str, Any]:
    changes = body.dict(exclude_unset=True)
    return _out(services.offering_update(actor=request.user, offering_id=offering_id, **changes))


@router.delete("/{offering_id}", response={204: None})
def delete_offering(request: HttpRequest, offering_id: int) -> Status[Any]:
    services.offering_delete(actor=request.user, offering_id=offering_id)
    return Status(204, None)
