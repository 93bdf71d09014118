"""Writes: an organisation's offerings, by its admins (404 to anyone else, members included).
Everything is validated before anything is saved, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from coopnet.common import audit
from coopnet.common.access import User
from coopnet.common.amounts import MAX_MONEY, check_text, parse_amount
from coopnet.directory.models import Skill
from coopnet.directory.selectors import organisation_for_admin
from coopnet.offerings.models import Offering
from coopnet.offerings.selectors import offering_for_admin

BAD_PRICE = "A price is an amount of at least 0, with at most two decimal places."
BAND_UPSIDE_DOWN = "The lowest price of the band is above its highest."
UNKNOWN_SKILLS = "Unknown skills: {slugs}. Choose them from the network's skill list."
BAD_LEAD_TIME = "A lead time is a whole number of days from 0 to 3650."
NAME_TAKEN = "{organisation} already has an offering named {name!r}."
#: the most skills one offering draws on
MAX_SKILLS = 30
TOO_MANY_SKILLS = f"An offering draws on at most {MAX_SKILLS} skills."
NAME_LIMIT, SIZE_LIMIT, DESCRIPTION_LIMIT = 200, 120, 5000
MAX_LEAD_DAYS = 3650


def _price(value: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = parse_amount(value, MAX_MONEY)
    if amount is None:
        errors[field] = BAD_PRICE
    return amount


def _lead_time(value: Any, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LEAD_DAYS:
        errors["lead_time_days"] = BAD_LEAD_TIME
        return None
    return value


def _skills(slugs: Iterable[str], errors: dict[str, str]) -> list[Skill]:
    wanted = list(dict.fromkeys(slugs))
    if len(wanted) > MAX_SKILLS:
        errors["skills"] = TOO_MANY_SKILLS
        return []
    found = list(Skill.objects.filter(slug__in=wanted))
    unknown = sorted(set(wanted) - {s.slug for s in found})
    if unknown:
        errors["skills"] = UNKNOWN_SKILLS.format(slugs=", ".join(unknown))
    return found


def _checked(fields: dict[str, Any]) -> tuple[dict[str, Any], list[Skill]]:
    """The offering's fields as the model stores them, and its skills; a ValidationError
    naming every field at fault."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, limit, required in (
        ("name", NAME_LIMIT, True),
        ("description", DESCRIPTION_LIMIT, False),
        ("size", SIZE_LIMIT, False),
    ):
        try:
            values[name] = check_text(name, fields.get(name, ""), limit, required=required)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    values["price_low"] = _price(fields.get("price_low"), "price_low", errors)
    values["price_high"] = _price(fields.get("price_high"), "price_high", errors)
    low, high = values["price_low"], values["price_high"]
    if low is not None and high is not None and low > high:
        errors["price_high"] = BAND_UPSIDE_DOWN
    values["lead_time_days"] = _lead_time(fields.get("lead_time_days"), errors)
    skills = _skills(fields.get("skills") or [], errors)
    if errors:
        raise ValidationError(errors)
    return values, skills


def _name_free(offering: Offering) -> None:
    taken = Offering.objects.filter(organisation=offering.organisation, name=offering.name)
    if taken.exclude(pk=offering.pk).exists():
        message = NAME_TAKEN.format(organisation=offering.organisation.name, name=offering.name)
        raise ValidationError({"name": message})


@transaction.atomic
def offering_create(
    *,
    actor: User,
    organisation_slug: str,
    name: str,
    description: str = "",
    skills: Iterable[str] = (),
    price_low: Any = None,
    price_high: Any = None,
    size: str = "",
    lead_time_days: Any = None,
) -> Offering:
    organisation = organisation_for_admin(actor, organisation_slug)
    values, found = _checked(
        {"name": name, "description": description, "skills": skills, "price_low": price_low,
         "price_high": price_high, "size": size, "lead_time_days": lead_time_days}
    )  # fmt: skip
    offering = Offering(organisation=organisation, **values)
    _name_free(offering)
    offering.save()
    offering.skills.set(found)
    audit.record(
        actor=actor,
        action="offering.added",
        obj=offering,
        organisation=organisation,
        summary=f"Offering {offering.name} added",
    )
    return offering


#: the fields an update may change
FIELDS = ("name", "description", "skills", "price_low", "price_high", "size", "lead_time_days")


@transaction.atomic
def offering_update(*, actor: User, offering_id: int, **changes: Any) -> Offering:
    """Change the fields named in `changes` (any of FIELDS); the others stay as they are. An
    optional field given as None is cleared."""
    offering = offering_for_admin(actor, offering_id)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a field of an offering."))
    current: dict[str, Any] = {name: getattr(offering, name) for name in FIELDS if name != "skills"}
    current["skills"] = [s.slug for s in offering.skills.all()]
    values, found = _checked(current | changes)
    for name, value in values.items():
        setattr(offering, name, value)
    _name_free(offering)
    offering.save()
    offering.skills.set(found)
    audit.record(
        actor=actor,
        action="offering.changed",
        obj=offering,
        organisation=offering.organisation,
        summary=f"Offering {offering.name} changed",
    )
    return offering


@transaction.atomic
def offering_delete(*, actor: User, offering_id: int) -> None:
    offering = offering_for_admin(actor, offering_id)
    audit.record(
        actor=actor,
        action="offering.removed",
        obj=offering,
        organisation=offering.organisation,
        summary=f"Offering {offering.name} removed",
    )
    offering.delete()
