"""What the opportunities' services check alike: who may change an opportunity, and its input
(an amount, a date, the required skills), each bad field's message under its name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coopnet.common.amounts import MAX_HOURS, MAX_MONEY, parse_amount
from coopnet.common.dates import date_problem
from coopnet.directory.models import Skill
from coopnet.opportunities.models import Requirement

NOT_ADMIN = "Only an admin of the posting organisation can do this."
BAD_MONEY = "An amount of money more than 0, to the cent at most (got {value!r})."
BAD_HOURS = "A number of hours more than 0, in hundredths at most (got {value!r})."
BAD_DATE = "A date as YYYY-MM-DD (got {value!r})."
PAST_DEADLINE = "The deadline cannot be in the past."
NO_REQUIREMENTS = "List at least one required skill."
TOO_MANY_REQUIREMENTS = "At most {limit} required skills (got {count})."
#: the most requirements an opportunity has: the rows its form offers, and the API's limit too
MAX_REQUIREMENTS = 40
UNKNOWN_SKILL = "Unknown skill {slug!r}: choose one from the network's skill list."
BAD_LEVEL = "Skill levels are whole numbers from 1 to 5 (got {level!r})."


def _decimal(value: Any, limit: Decimal) -> Decimal | None:
    """`value` as an amount more than 0 and at most `limit`, in hundredths; else None."""
    return parse_amount(value, limit, zero=False)


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def parse_requirements(errors: dict[str, str], items: Any) -> list[Requirement]:
    """The requirement rows, unsaved; each bad field's error under `requirements[n].field`."""
    if not isinstance(items, list | tuple) or not items:
        errors["requirements"] = NO_REQUIREMENTS
        return []
    if len(items) > MAX_REQUIREMENTS:
        errors["requirements"] = TOO_MANY_REQUIREMENTS.format(
            limit=MAX_REQUIREMENTS, count=len(items)
        )
        return []
    slugs = [i.get("skill") for i in items if isinstance(i, dict)]
    known = Skill.objects.in_bulk([s for s in slugs if isinstance(s, str)], field_name="slug")
    rows = (_requirement(errors, f"requirements[{n}]", i, known) for n, i in enumerate(items))
    return [row for row in rows if row is not None]


def _requirement(
    errors: dict[str, str], field: str, item: Any, known: dict[str, Skill]
) -> Requirement | None:
    item = item if isinstance(item, dict) else {}
    slug, level = item.get("skill"), item.get("min_level")
    skill = known.get(slug) if isinstance(slug, str) else None
    hours = _decimal(item.get("hours"), MAX_HOURS)
    if skill is None:
        errors[f"{field}.skill"] = UNKNOWN_SKILL.format(slug=slug)
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        errors[f"{field}.min_level"] = BAD_LEVEL.format(level=level)
        level = None
    if hours is None:
        errors[f"{field}.hours"] = BAD_HOURS.format(value=item.get("hours"))
    if skill is None or hours is None or level is None:
        return None
    return Requirement(skill=skill, min_level=level, hours=hours)


def parse_value_and_deadline(errors: dict[str, str], value: Any, deadline: Any) -> tuple[Any, Any]:
    amount, day = _decimal(value, MAX_MONEY), parse_date(deadline)
    if amount is None:
        errors["value"] = BAD_MONEY.format(value=value)
    today = timezone.localdate()
    if day is None:
        errors["deadline"] = BAD_DATE.format(value=deadline)
    elif day < today:
        errors["deadline"] = PAST_DEADLINE
    elif problem := date_problem(day, today=today):
        errors["deadline"] = problem
    return amount, day
