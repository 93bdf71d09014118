"""What a signed-in member does, page by page: the endpoints of the load test, their weights in
the mix, the address of each visit (drawn from the plan that `benchmarks.load.data` wrote) and
the check of each answer (status 200 and a marker in the body, else a failure). Shared by the
locustfile and by the measurement of each page alone, so that both ask for the same things."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

Plan = dict[str, Any]
Account = dict[str, Any]

SIGN_IN = "sign-in"
LOGIN_PATH = "/accounts/login/"
LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Endpoint:
    name: str
    #: how the addresses look, for the report
    example: str
    weight: int
    #: the address to ask for, for this account
    path: Callable[[Plan, Account, random.Random], str]
    #: None when the answer is right, else what is wrong with it
    check: Callable[[str, str], str | None]


def _skill(plan: Plan, rnd: random.Random) -> str:
    skills: list[str] = plan["demanded_skills"] + plan["common_skills"]
    return rnd.choice(skills)


def _search(plan: Plan, account: Account, rnd: random.Random) -> str:
    query: dict[str, object] = {"skill": _skill(plan, rnd), "min_level": rnd.choice(LEVELS)}
    if rnd.random() < 0.25:
        query["min_hours"] = 10
    return "/directory/?" + urlencode(query)


def _name_search(plan: Plan, account: Account, rnd: random.Random) -> str:
    return "/directory/?" + urlencode({"name": rnd.choice(plan["names"])})


def _profile(plan: Plan, account: Account, rnd: random.Random) -> str:
    return f"/organisations/{rnd.choice(plan['organisations'])}/"


def _opportunity(plan: Plan, account: Account, rnd: random.Random) -> str:
    return f"/opportunities/{rnd.choice(account['opportunities'])}/"


def _service(plan: Plan, account: Account, rnd: random.Random) -> str:
    return f"/services/{rnd.choice(plan['services'])}/"


def _people_api(plan: Plan, account: Account, rnd: random.Random) -> str:
    return "/api/people?" + urlencode({"skill": _skill(plan, rnd), "min_level": rnd.choice(LEVELS)})


def _fixed(path: str) -> Callable[[Plan, Account, random.Random], str]:
    def chosen(plan: Plan, account: Account, rnd: random.Random) -> str:
        return path

    return chosen


def _contains(marker: str) -> Callable[[str, str], str | None]:
    def check(body: str, path: str) -> str | None:
        return None if marker in body else f"no {marker!r} in the page"

    return check


def _profile_check(body: str, path: str) -> str | None:
    slug = path.strip("/").split("/")[-1]
    return None if f"({slug})</h1>" in body else f"no heading naming ({slug})"


def _json_list(body: str, path: str) -> str | None:
    try:
        found = json.loads(body)
    except json.JSONDecodeError:
        return "not JSON"
    return None if isinstance(found, list) else "not a JSON list"


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "directory search",
        "/directory/?skill=…&min_level=…[&min_hours=10]",
        5,
        _search,
        _contains('id="results"'),
    ),
    Endpoint(
        "directory search by name", "/directory/?name=…", 1, _name_search, _contains('id="results"')
    ),
    Endpoint("organisation profile", "/organisations/<slug>/", 4, _profile, _profile_check),
    Endpoint(
        "opportunities", "/opportunities/", 3, _fixed("/opportunities/"), _contains("(shared)")
    ),
    Endpoint(
        "opportunity", "/opportunities/<id>/", 3, _opportunity, _contains('id="details-heading"')
    ),
    Endpoint("skills map", "/skills/", 2, _fixed("/skills/"), _contains('id="demand-heading"')),
    Endpoint("services", "/services/", 1, _fixed("/services/"), _contains("Synthetic service")),
    Endpoint("service", "/services/<slug>/", 2, _service, _contains('id="model-heading"')),
    Endpoint("people API", "/api/people?skill=…&min_level=…", 4, _people_api, _json_list),
)
