"""Reads. Offerings are public to the network (anyone signed in), and to anyone when their
organisation's profile is public; changing one is its organisation's admins' alone (404 to
anyone else). The comparison is the engine's (`engine.offerings`): this gathers its input
and names what it returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from coopnet.common.access import CHANGE, User, get_or_404
from coopnet.directory.models import Organisation, Skill
from coopnet.engine import offerings as engine
from coopnet.offerings.models import Offering

#: the most offerings compared side by side
MAX_COMPARED = 4
TOO_FEW = f"Choose two to {MAX_COMPARED} offerings to compare."


def offering_for_admin(user: User, offering_id: int) -> Offering:
    """The offering, if `user` administers its organisation; 404 for anyone else."""
    rows = Offering.objects.select_related("organisation")
    return get_or_404(rows, user, CHANGE, pk=offering_id)


def _with_skills(rows: QuerySet[Offering]) -> QuerySet[Offering]:
    skills = Prefetch("skills", queryset=Skill.objects.order_by("name"))
    return rows.select_related("organisation").prefetch_related(skills)


def offerings_visible(user: User) -> QuerySet[Offering]:
    """Every offering to anyone signed in; to anyone else, those of public organisations."""
    rows = Offering.objects.all()
    if not user.is_authenticated:
        rows = rows.filter(organisation__public=True)
    return _with_skills(rows)


def offering_visible(user: User, offering_id: int) -> Offering:
    """One offering `user` may see (`offerings_visible`); 404 otherwise."""
    found = offerings_visible(user).filter(pk=offering_id).first()
    if found is None:
        raise Http404("no such offering")
    return found


def offerings_browse(
    user: User, *, skill: str = "", kind: str = "", organisation: str = ""
) -> QuerySet[Offering]:
    """The offerings `user` may see, drawing on `skill` (a slug), of organisations of `kind`
    or of `organisation` (a slug): each filter only when given."""
    rows = offerings_visible(user)
    if skill:
        rows = rows.filter(skills__slug=skill)
    if kind:
        rows = rows.filter(organisation__kind=kind)
    if organisation:
        rows = rows.filter(organisation__slug=organisation)
    return rows.order_by("organisation__name", "name", "pk").distinct()


def offered_skills() -> QuerySet[Skill]:
    """The skills some offering draws on, by name: the browse page's choice."""
    return Skill.objects.filter(offerings__isnull=False).distinct().order_by("name")


def offerings_of(organisation: Organisation) -> list[Offering]:
    return list(_with_skills(Offering.objects.filter(organisation=organisation)))


@dataclass(frozen=True)
class OfferingShown:
    """An offering's public facts, as a panel or the API shows them."""

    id: int
    name: str
    description: str
    skills: tuple[str, ...]  # names
    price_low: Decimal | None
    price_high: Decimal | None
    size: str
    lead_time_days: int | None
    lead_time_weeks: int | None


def shown(offering: Offering) -> OfferingShown:
    return OfferingShown(
        offering.pk,
        offering.name,
        offering.description,
        tuple(s.name for s in offering.skills.all()),
        offering.price_low,
        offering.price_high,
        offering.size,
        offering.lead_time_days,
        offering.lead_time_weeks,
    )


def profile_panel(organisation: Organisation) -> dict[str, Any]:
    """The offerings panel of an organisation's profile: public facts only, in one query
    (each offering's row once per skill it draws on)."""
    rows = (
        Offering.objects.filter(organisation=organisation)
        .order_by("name", "pk", "skills__name")
        .values_list(
            "pk", "name", "description", "price_low", "price_high", "size", "lead_time_days",
            "skills__name",
        )
    )  # fmt: skip
    found: dict[int, tuple[Any, ...]] = {}
    skills: dict[int, list[str]] = {}
    for pk, *fields, skill in rows:
        found.setdefault(pk, (pk, *fields))
        skills.setdefault(pk, [])
        if skill is not None:
            skills[pk].append(skill)
    offerings = []
    for pk, name, description, low, high, size, days in found.values():
        weeks = days // 7 if days and days % 7 == 0 else None
        offerings.append(
            OfferingShown(pk, name, description, tuple(skills[pk]), low, high, size, days, weeks)
        )
    return {"offerings": offerings}


# -- the comparison -------------------------------------------------------------------------


@dataclass(frozen=True)
class PairShown:
    first: Offering
    second: Offering
    overlap: tuple[str, ...]
    only_first: tuple[str, ...]
    only_second: tuple[str, ...]
    competes: bool
    same_organisation: bool


@dataclass(frozen=True)
class PartnerShown:
    organisation: Organisation
    offerings: tuple[str, ...]
    adds: tuple[str, ...]


@dataclass(frozen=True)
class BundleShown:
    base: Offering
    partners: tuple[PartnerShown, ...]
    uncovered: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    offerings: tuple[Offering, ...]
    #: every skill any compared offering draws on, by name
    skills: tuple[str, ...]
    pairs: tuple[PairShown, ...]
    bundles: tuple[BundleShown, ...]


def parse_ids(values: Sequence[str]) -> list[int]:
    """The offering ids of ?ids= (repeated or comma separated), in order, once each; a
    ValueError for anything but two to MAX_COMPARED whole numbers."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                number = int(part)  # ValueError for anything else
                if number not in ids:
                    ids.append(number)
    if not 2 <= len(ids) <= MAX_COMPARED:
        raise ValueError(TOO_FEW)
    return ids


def _offer(offering: Offering) -> engine.Offer:
    return engine.Offer(
        offering.pk, offering.organisation.slug, frozenset(s.slug for s in offering.skills.all())
    )


def comparison(user: User, ids: Sequence[int]) -> Comparison:
    """The offerings `ids` (all of which `user` may see, else 404) side by side: where each
    pair overlaps and complements, and for each one the partners that best cover what it lacks
    of everything the compared offerings draw on (greedy set cover over the network's
    offerings: `engine.offerings.bundle`)."""
    found = {o.pk: o for o in offerings_visible(user).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404("no such offering")
    chosen = [found[i] for i in ids]
    offers = [_offer(o) for o in chosen]
    target = engine.union(offers)
    candidates = offerings_visible(user).filter(skills__slug__in=target).distinct()
    by_id = {o.pk: o for o in candidates} | found
    names = dict(Skill.objects.filter(slug__in=target).values_list("slug", "name"))

    def named(slugs: frozenset[str]) -> tuple[str, ...]:
        return tuple(sorted(names.get(s, s) for s in slugs))

    pairs = tuple(
        PairShown(found[p.first], found[p.second], named(p.overlap), named(p.only_first),
                  named(p.only_second), p.competes, p.same_organisation)
        for p in engine.compare(offers)
    )  # fmt: skip
    others = [_offer(o) for o in candidates]
    bundles = []
    for offer in offers:
        made = engine.bundle(offer, others, target=target)
        partners = tuple(
            PartnerShown(by_id[step.offers[0]].organisation,
                         tuple(by_id[i].name for i in step.offers), named(step.adds))
            for step in made.steps
        )  # fmt: skip
        bundles.append(BundleShown(found[offer.id], partners, named(made.uncovered)))
    return Comparison(tuple(chosen), named(target), pairs, tuple(bundles))


# -- organisations found --------------------------------------------------------------------


def organisations_found(
    *, name: str = "", kind: str = "", skill: str = ""
) -> QuerySet[Organisation]:
    """Organisations by part of their name, their kind, and a skill (a slug) that one of
    their people holds or one of their offerings draws on; by name. Public facts only."""
    rows = Organisation.objects.only(
        "id", "name", "slug", "description", "kind", "location", "website", "public"
    )
    if name:
        rows = rows.filter(name__icontains=name)
    if kind:
        rows = rows.filter(kind=kind)
    if skill:
        held = Q(people__skills__skill__slug=skill) | Q(offerings__skills__slug=skill)
        rows = rows.filter(pk__in=Organisation.objects.filter(held).values("pk"))
    return rows.order_by("name")
