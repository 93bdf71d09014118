"""Synthetic networks of co-operatives and small IT firms, and client opportunities for them.

`generate_network` builds a spec §2 network document and `generate_opportunities` builds spec §2
opportunity documents that the network can deliver. Both are deterministic for a seed, use only
the standard library and numpy, and read nothing but the packaged skill taxonomy
(``coopnet/data/skills.csv``, see ``SKILLS-LICENCE.md`` there).

What makes the networks look real:

- organisation sizes are heavy-tailed: about a third are freelancers (one person), most of the
  rest are small co-ops, a few are firms of tens to hundreds of people;
- skills come in families (front end, back end, data, devops/cloud, security, design/UX,
  mobile, project management, ...). Each organisation has a focus family, each person a
  primary family (usually their organisation's focus) and a few skills from neighbouring
  families, so skills co-occur as in real work; within a family popularity is Zipf-like in the
  taxonomy's popularity order;
- levels are skewed (5s are rare) and rise with seniority; cost rates rise with level and
  seniority (£25–£120 an hour); coordination costs rise with organisation size (200–3000).

>>> net = generate_network(people=40, organisations=8, seed=1)
>>> len(net["people"]), len(net["organisations"])
(40, 8)
>>> opportunity = generate_opportunities(net, count=1, requirements=3, seed=1)[0]
>>> len(opportunity["requirements"])
3
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Skill", "generate_network", "generate_opportunities", "load_skills"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Zipf exponent of skill popularity over the taxonomy's rank order.
ZIPF_EXPONENT = 0.9
#: Share of organisations that are freelancers (exactly one person) when people allow it.
FREELANCER_SHARE = 0.35
#: Log-normal spread of the sizes of the other organisations (bigger = heavier tail).
SIZE_SPREAD = 1.25
#: Chance that a person's primary family is their organisation's focus family.
FOCUS_LOYALTY = 0.65
#: Commission on every generated opportunity.
COMMISSION = 0.05

# How much more or less often than its size suggests a family is someone's main line of work.
FAMILY_DEMAND: dict[str, float] = {"niche-languages": 0.15, "digital-marketing": 1.5}

# Which families are worked on together (a person's secondary skills come from these).
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "frontend": ("design-ux", "backend", "mobile", "digital-marketing"),
    "backend": ("frontend", "data", "devops-cloud", "enterprise"),
    "data": ("backend", "devops-cloud", "enterprise", "project-management"),
    "devops-cloud": ("backend", "security", "it-operations", "data"),
    "security": ("devops-cloud", "it-operations", "project-management"),
    "design-ux": ("frontend", "digital-marketing", "project-management", "mobile"),
    "mobile": ("frontend", "design-ux", "backend"),
    "project-management": ("design-ux", "data", "enterprise", "digital-marketing"),
    "systems-embedded": ("backend", "devops-cloud", "it-operations"),
    "enterprise": ("backend", "data", "project-management"),
    "it-operations": ("devops-cloud", "security", "project-management"),
    "digital-marketing": ("design-ux", "frontend", "project-management"),
    "niche-languages": ("systems-embedded", "backend", "data"),
}

_STEMS = (
    "Acorn", "Alder", "Amber", "Anchor", "Arbour", "Ash", "Aspen", "Atlas", "Aurora", "Badger",
    "Basalt", "Beacon", "Beech", "Birch", "Blackthorn", "Bluebell", "Bramble", "Bridge", "Brook",
    "Burrow", "Cairn", "Canopy", "Cedar", "Chalk", "Cinder", "Clover", "Cobalt", "Comet",
    "Commons", "Compass", "Copper", "Coral", "Cormorant", "Crane", "Crocus", "Curlew", "Delta",
    "Dune", "Eddy", "Elder", "Ember", "Estuary", "Falcon", "Fennel", "Fern", "Fieldfare",
    "Firefly", "Fjord", "Flint", "Foundry", "Foxglove", "Gannet", "Garnet", "Glade", "Granite",
    "Hawthorn", "Hazel", "Heather", "Heron", "Hive", "Holly", "Horizon", "Indigo", "Iris",
    "Ivy", "Juniper", "Kestrel", "Kingfisher", "Lantern", "Larch", "Lark", "Laurel", "Ledger",
    "Lichen", "Linden", "Loom", "Lupin", "Magpie", "Maple", "Marram", "Meadow", "Meridian",
    "Merlin", "Millstone", "Mosaic", "Moss", "Nettle", "Northwind", "Oak", "Orchard", "Osprey",
    "Otter", "Outlier", "Paddle", "Pebble", "Peregrine", "Pilot", "Pine", "Plover", "Quarry",
    "Quill", "Raven", "Reed", "Ridge", "Rivet", "Robin", "Rowan", "Saffron", "Sandpiper",
    "Sextant", "Shale", "Signal", "Skylark", "Slate", "Sorrel", "Sparrow", "Spindle", "Spruce",
    "Starling", "Swift", "Sycamore", "Tamarisk", "Teasel", "Thistle", "Tidal", "Tinker",
    "Torch", "Trellis", "Tributary", "Tundra", "Umber", "Vale", "Verdant", "Wagtail", "Weald",
    "Wayfarer", "Wharf", "Whin", "Willow", "Wren", "Yarrow", "Yew", "Zephyr",
)  # fmt: skip
_COOP_SUFFIXES = (
    "Co-op", "Co-operative", "Workers' Co-op", "Tech Co-op", "Digital Co-op", "Collective",
    "Coop", "Co-operative Ltd",
)  # fmt: skip
_FIRM_SUFFIXES = (
    "Digital", "Labs", "Systems", "Software", "Studio", "Consulting", "Technologies", "Data",
    "Works", "Ltd", "Partners", "Interactive", "Solutions", "Analytics", "Cloud", "Media",
)  # fmt: skip
_SURNAMES = (
    "Adeyemi", "Ahmed", "Ali", "Anderson", "Bailey", "Baker", "Banerjee", "Bell", "Bennett",
    "Brown", "Campbell", "Carter", "Chen", "Clarke", "Cooper", "Costa", "Davies", "Dubois",
    "Edwards", "Evans", "Fernandes", "Fischer", "Fletcher", "Foster", "Garcia", "Gill", "Gray",
    "Green", "Hall", "Harris", "Hassan", "Hughes", "Hussain", "Jackson", "James", "Jenkins",
    "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Kowalski", "Lee", "Lewis", "Lopez",
    "Macdonald", "Martin", "Mensah", "Miller", "Mitchell", "Moore", "Morgan", "Morris",
    "Murphy", "Murray", "Nguyen", "Novak", "Nowak", "O'Brien", "Okafor", "Okonkwo", "Owen",
    "Palmer", "Parker", "Patel", "Phillips", "Price", "Quinn", "Rahman", "Reid", "Richards",
    "Roberts", "Robinson", "Rossi", "Russell", "Santos", "Scott", "Shah", "Silva", "Singh",
    "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson",
    "White", "Williams", "Wilson", "Wood", "Wright", "Yilmaz", "Young", "Zhang",
)  # fmt: skip
_INITIALS = "ABCDEFGHIJKLMNOPRSTVWY"

_PROJECTS: dict[str, tuple[str, ...]] = {
    "frontend": ("website-rebuild", "member-portal", "booking-system", "online-shop"),
    "backend": ("api-platform", "booking-system", "case-management", "integration-hub"),
    "data": ("data-platform", "reporting-dashboard", "data-migration", "analytics-service"),
    "devops-cloud": ("cloud-migration", "hosting-platform", "ci-modernisation"),
    "security": ("security-review", "identity-rollout", "compliance-audit"),
    "design-ux": ("service-redesign", "design-system", "user-research-programme"),
    "mobile": ("mobile-app", "field-app", "citizen-app"),
    "project-management": ("digital-transformation", "programme-delivery", "discovery-phase"),
    "systems-embedded": ("sensor-network", "device-firmware", "iot-pilot"),
    "enterprise": ("crm-rollout", "erp-upgrade", "finance-system"),
    "it-operations": ("managed-it", "office-move", "network-refresh"),
    "digital-marketing": ("campaign-site", "content-hub", "growth-programme"),
}
_GENERIC_PROJECTS = ("digital-project", "software-build", "platform-upgrade", "pilot-service")


@dataclass(frozen=True)
class Skill:
    """One skill of the taxonomy: its id (a slug), display name and family."""

    id: str
    name: str
    family: str


@functools.cache
def load_skills() -> tuple[Skill, ...]:
    """The packaged skill taxonomy, most popular skill first."""
    resource = importlib.resources.files("coopnet") / "data" / "skills.csv"
    rows = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))
    return tuple(Skill(row["id"], row["name"], row["family"]) for row in rows)


def _count(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


# --------------------------------------------------------------------------------------------
# Networks


def generate_network(
    *, people: int, organisations: int, skills: int = 300, seed: int = 0
) -> dict[str, Any]:
    """A synthetic spec §2 network of `people` people in `organisations` organisations.

    Uses the `skills` most popular skills of the packaged taxonomy (ValueError if it has fewer).
    Ids are "o1".."oN" and "p1".."pM"; people are listed organisation by organisation.
    """
    people = _count(people, "people", 1)
    organisations = _count(organisations, "organisations", 1)
    skills = _count(skills, "skills", 1)
    seed = _count(seed, "seed", 0)
    if people < organisations:
        raise ValueError(
            f"every organisation needs at least one person: people={people} is fewer than "
            f"organisations={organisations}"
        )
    taxonomy = load_skills()
    if skills > len(taxonomy):
        raise ValueError(
            f"skills={skills} asked for, but the packaged taxonomy has only {len(taxonomy)} skills"
        )
    chosen = taxonomy[:skills]
    rng = np.random.default_rng(seed)

    sizes = _organisation_sizes(rng, people, organisations)
    families = _Families(chosen)
    focus = rng.choice(families.count, size=organisations, p=families.weight)
    org_of = np.repeat(np.arange(organisations, dtype=np.int64), sizes)
    size_of = sizes[org_of]

    seniority = rng.beta(2.0, 2.5, people)
    seniority = np.where(size_of == 1, 0.3 + 0.7 * seniority, seniority)
    loyal = rng.random(people) < FOCUS_LOYALTY
    primary = np.where(
        loyal, focus[org_of], rng.choice(families.count, size=people, p=families.weight)
    )
    owner, skill, level = _person_skills(rng, families, primary, seniority)

    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    best_level = np.maximum.reduceat(level, starts)
    hours = np.clip(5 * np.rint(rng.lognormal(math.log(110.0), 0.6, people) / 5), 20, 400)
    log_size = np.log2(sizes.astype(np.float64))
    raw_rate = (
        18.0
        + 9.0 * best_level
        + 30.0 * seniority
        + 0.75 * log_size[org_of]
        + rng.normal(0.0, 5.0, people)
    )
    rate = np.clip(raw_rate, 25.0, 120.0).round(2)
    noise = rng.lognormal(0.0, 0.15, organisations)
    coordination = 200.0 + 60.0 * rng.random(organisations) + 400.0 * log_size * noise
    coordination = np.clip(10 * np.rint(coordination / 10), 200, 3000)

    names = _organisation_names(random.Random(int(rng.integers(2**63))), sizes, focus)
    org_ids = [f"o{i + 1}" for i in range(organisations)]
    org_docs = [
        {"id": org_ids[i], "name": names[i], "coordination_cost": int(c)}
        for i, c in enumerate(coordination.tolist())
    ]

    skill_ids = [s.id for s in chosen]
    person_skill = [skill_ids[k] for k in skill.tolist()]
    person_level: list[int] = level.tolist()
    bounds = [*starts.tolist(), len(person_skill)]
    org_list: list[int] = org_of.tolist()
    hours_list: list[float] = hours.tolist()
    rate_list: list[float] = rate.tolist()
    people_docs = [
        {
            "id": f"p{i + 1}",
            "org": org_ids[org_list[i]],
            "skills": dict(
                zip(
                    person_skill[bounds[i] : bounds[i + 1]],
                    person_level[bounds[i] : bounds[i + 1]],
                    strict=True,
                )
            ),
            "hours": int(hours_list[i]),
            "cost_rate": rate_list[i],
        }
        for i in range(people)
    ]
    return {
        "organisations": org_docs,
        "people": people_docs,
        "collaborations": _collaborations(rng, sizes, focus, org_ids),
    }


def _organisation_sizes(rng: np.random.Generator, people: int, organisations: int) -> IntArray:
    """Heavy-tailed sizes, each at least 1, summing exactly to `people`."""
    sizes = np.ones(organisations, dtype=np.int64)
    extra = people - organisations
    if extra == 0:
        return sizes
    freelance = rng.random(organisations) < FREELANCER_SHARE
    freelance[int(rng.integers(organisations))] = False  # someone takes the extra people
    weight = np.where(freelance, 0.0, rng.lognormal(0.0, SIZE_SPREAD, organisations))
    # Firms of up to ~200 people when the average organisation is small; bigger ones only when
    # the average itself is big. The cap always leaves room for everyone.
    open_slots = int(np.count_nonzero(weight))
    cap = max(200, 20 * people // organisations, 2 * -(-extra // open_slots) + 1)
    while extra > 0:
        share = rng.multinomial(extra, weight / weight.sum())
        sizes += share
        over = sizes > cap
        extra = int((sizes[over] - cap).sum())
        sizes[over] = cap
        weight[over] = 0.0
    return sizes


class _Families:
    """Skill families present among the chosen skills, with Zipf popularity within each."""

    def __init__(self, chosen: tuple[Skill, ...]):
        names = list(dict.fromkeys(s.family for s in chosen))
        index = {name: i for i, name in enumerate(names)}
        self.count = len(names)
        self.of_skill: IntArray = np.array([index[s.family] for s in chosen], dtype=np.int64)
        popularity = 1.0 / np.arange(1, len(chosen) + 1, dtype=np.float64) ** ZIPF_EXPONENT
        self.members: list[IntArray] = []
        self.cumulative: list[FloatArray] = []
        totals = np.zeros(self.count)
        for f in range(self.count):
            members = np.flatnonzero(self.of_skill == f).astype(np.int64)
            cumulative = np.cumsum(popularity[members])
            totals[f] = cumulative[-1]
            self.members.append(members)
            self.cumulative.append(cumulative / cumulative[-1])
        # Tempered, so that small families (mobile, security) still have their specialists.
        tempered = totals**0.75 * np.array([FAMILY_DEMAND.get(n, 1.0) for n in names])
        self.weight: FloatArray = tempered / tempered.sum()
        width = max(len(NEIGHBOURS.get(name, ())) for name in names) or 1
        self.neighbours: IntArray = np.zeros((self.count, width), dtype=np.int64)
        self.neighbour_count: IntArray = np.ones(self.count, dtype=np.int64)
        for f, name in enumerate(names):
            present = [index[n] for n in NEIGHBOURS.get(name, ()) if n in index] or [f]
            self.neighbours[f, : len(present)] = present
            self.neighbour_count[f] = len(present)

    def draw(self, rng: np.random.Generator, family: IntArray) -> IntArray:
        """One skill for each entry of `family`, by popularity within that family."""
        out = np.empty(len(family), dtype=np.int64)
        u = rng.random(len(family))
        for f in range(self.count):
            where = np.flatnonzero(family == f)
            if len(where):
                pick = np.searchsorted(self.cumulative[f], u[where], side="right")
                out[where] = self.members[f][np.minimum(pick, len(self.members[f]) - 1)]
        return out


def _person_skills(
    rng: np.random.Generator,
    families: _Families,
    primary: IntArray,
    seniority: FloatArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """(person, skill, level) triples sorted by person then skill; everyone has a skill."""
    people = len(primary)
    n_primary = np.minimum(1 + rng.poisson(2.5, people), 8)
    n_secondary = np.minimum(rng.poisson(1.3, people), 5)
    first = np.repeat(np.arange(people, dtype=np.int64), n_primary)
    second = np.repeat(np.arange(people, dtype=np.int64), n_secondary)
    home = primary[second]
    slot = (rng.random(len(second)) * families.neighbour_count[home]).astype(np.int64)
    owner = np.concatenate([first, second])
    family = np.concatenate([primary[first], families.neighbours[home, slot]])
    skill = families.draw(rng, family)
    in_primary = np.concatenate([np.ones(len(first), bool), np.zeros(len(second), bool)])
    # Drop repeats; np.unique keeps the first draw, so a skill drawn twice counts as primary.
    _, keep = np.unique(owner * len(families.of_skill) + skill, return_index=True)
    owner, skill, in_primary = owner[keep], skill[keep], in_primary[keep]
    p = np.clip(0.15 + 0.5 * seniority[owner] + 0.12 * in_primary, 0.05, 0.92)
    level = 1 + rng.binomial(4, p)
    return owner, skill, level.astype(np.int64)


def _organisation_names(rnd: random.Random, sizes: IntArray, focus: IntArray) -> list[str]:
    """Unique plausible names: "J. Okafor" for freelancers, co-ops and firms for the rest."""
    used: set[str] = set()
    names: list[str] = []
    for size, f in zip(sizes.tolist(), focus.tolist(), strict=True):
        for _ in range(20):
            if size == 1 and rnd.random() < 0.8:
                name = f"{rnd.choice(_INITIALS)}. {rnd.choice(_SURNAMES)}"
                if rnd.random() < 0.25:
                    name += rnd.choice((" Consulting", " Design", " Digital", " Freelance"))
            else:
                coop = rnd.random() < (0.65 if size <= 30 else 0.25 if size <= 100 else 0.1)
                suffixes = _COOP_SUFFIXES if coop else _FIRM_SUFFIXES
                stem = rnd.choice(_STEMS)
                if rnd.random() < 0.15:
                    stem = f"{stem} & {rnd.choice(_STEMS)}"
                name = f"{stem} {suffixes[(rnd.randrange(len(suffixes)) + f) % len(suffixes)]}"
            if name not in used:
                break
        base, n = name, 2
        while name in used:
            name, n = f"{base} {n}", n + 1
        used.add(name)
        names.append(name)
    return names


def _collaborations(
    rng: np.random.Generator, sizes: IntArray, focus: IntArray, org_ids: list[str]
) -> list[dict[str, Any]]:
    """A sparse random set of pairs (about 1.2 per organisation), likelier between big ones."""
    n = len(sizes)
    total = n * (n - 1) // 2
    wanted = min(total, round(1.2 * n))
    if wanted == 0:
        return []
    weight = sizes.astype(np.float64) ** 0.5
    weight /= weight.sum()
    if total <= 200_000:
        a, b = np.triu_indices(n, k=1)
        pair_weight = weight[a] * weight[b] * np.where(focus[a] == focus[b], 2.0, 1.0)
        pick = rng.choice(total, size=wanted, replace=False, p=pair_weight / pair_weight.sum())
        first, second = a[pick].astype(np.int64), b[pick].astype(np.int64)
    else:
        keys = np.empty(0, dtype=np.int64)
        while len(keys) < wanted:
            a = rng.choice(n, size=2 * wanted, p=weight)
            b = rng.choice(n, size=2 * wanted, p=weight)
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            fresh = (lo * n + hi)[lo != hi]
            keys = np.concatenate([keys, fresh])
            _, first_seen = np.unique(keys, return_index=True)
            keys = keys[np.sort(first_seen)]
        keys = keys[:wanted]
        first, second = keys // n, keys % n
    order = np.lexsort((second, first))
    first, second = first[order], second[order]
    projects = rng.geometric(0.45, wanted)
    return [
        {"orgs": [org_ids[i], org_ids[j]], "projects": int(k)}
        for i, j, k in zip(first.tolist(), second.tolist(), projects.tolist(), strict=True)
    ]


# --------------------------------------------------------------------------------------------
# Opportunities


class _NetworkIndex:
    """Who holds which skill at which level, read from a spec §2 network document."""

    def __init__(self, network: dict[str, Any]):
        if not isinstance(network, dict):
            raise TypeError("network must be a dict (a spec §2 network document)")
        try:
            orgs = network["organisations"]
            people = network["people"]
        except KeyError as missing:
            raise ValueError(f"network has no {missing.args[0]!r} list") from None
        self.coordination: dict[str, float] = {
            str(o["id"]): float(o.get("coordination_cost", 0)) for o in orgs
        }
        self.org: list[str] = []
        self.hours: list[float] = []
        self.rate: list[float] = []
        self.levels: list[dict[str, int]] = []
        self.holders: dict[str, list[int]] = {}
        for i, person in enumerate(people):
            self.org.append(str(person["org"]))
            self.hours.append(float(person["hours"]))
            self.rate.append(float(person["cost_rate"]))
            levels = {str(k): int(v) for k, v in person.get("skills", {}).items()}
            self.levels.append(levels)
            for k in levels:
                self.holders.setdefault(k, []).append(i)
        self.skilled = [i for i, levels in enumerate(self.levels) if levels]


def generate_opportunities(
    network: dict[str, Any], *, count: int = 5, requirements: int = 12, seed: int = 0
) -> list[dict[str, Any]]:
    """`count` spec §2 opportunities, each deliverable by `network`.

    Skills are drawn by demand (a skill held by more people is asked for more often) and
    together with skills that co-occur with them in people's profiles. Every opportunity is
    feasible as a whole: a greedy assignment of the network's people covers all its
    requirements within everyone's hours (and within `max_organisations` when given); its value
    is that assignment's cost marked up 1.3–1.8x, after commission. Requirements are distinct
    skills with min_level 2–4 and 20–400 hours; in the rare case that the network's hours run
    out, an opportunity has fewer than `requirements` requirements.
    """
    count = _count(count, "count", 0)
    requirements = _count(requirements, "requirements", 1)
    seed = _count(seed, "seed", 0)
    index = _NetworkIndex(network)
    if requirements > len(index.holders):
        raise ValueError(
            f"requirements={requirements} distinct skills asked for, but the network's people "
            f"hold only {len(index.holders)} distinct skills"
        )
    family = {s.id: s.family for s in load_skills()}
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for number in range(1, count + 1):
        doc = _opportunity(index, rnd, requirements)
        first_family = family.get(doc["requirements"][0]["skill"], "")
        project = rnd.choice(_PROJECTS.get(first_family, _GENERIC_PROJECTS))
        out.append({"id": f"{project}-{number}", **doc})
    return out


def _opportunity(index: _NetworkIndex, rnd: random.Random, wanted: int) -> dict[str, Any]:
    remaining = list(index.hours)
    used_orgs: set[str] = set()
    cost = 0.0
    chosen: list[str] = []
    refused: set[str] = set()
    reqs: list[dict[str, Any]] = []

    def try_skill(skill: str) -> None:
        nonlocal cost
        min_level = rnd.choices((2, 3, 4), weights=(0.45, 0.4, 0.15))[0]
        hours = min(400, max(20, 5 * round(rnd.lognormvariate(math.log(80.0), 0.7) / 5)))
        holders = index.holders[skill]
        for level in range(min_level, 1, -1):
            eligible = [i for i in holders if index.levels[i][skill] >= level and remaining[i] > 0]
            available = sum(remaining[i] for i in eligible)
            if available >= 20:
                break
        else:
            refused.add(skill)
            return
        hours = min(hours, 5 * int(available // 5))
        # Cheapest first, preferring organisations already in the consortium.
        eligible.sort(key=lambda i: (index.org[i] not in used_orgs, index.rate[i], i))
        need = float(hours)
        for i in eligible:
            give = min(need, remaining[i])
            remaining[i] -= give
            cost += give * index.rate[i]
            used_orgs.add(index.org[i])
            need -= give
            if need <= 0:
                break
        chosen.append(skill)
        reqs.append({"skill": skill, "min_level": level, "hours": hours})

    for _ in range(40 * wanted):
        if len(chosen) == wanted:
            break
        if chosen and rnd.random() < 0.8:
            # Someone who holds the opportunity's first skill (or, less often, another chosen
            # one): their other skills are the ones that go with it.
            source = chosen[0] if rnd.random() < 0.5 else rnd.choice(chosen)
            person = rnd.choice(index.holders[source])
        else:
            person = rnd.choice(index.skilled)
        options = [k for k in index.levels[person] if k not in chosen and k not in refused]
        if options:
            try_skill(rnd.choice(options))
    if len(chosen) < wanted:  # fall back on every remaining skill, most held first
        for skill in sorted(index.holders, key=lambda k: (-len(index.holders[k]), k)):
            if len(chosen) == wanted:
                break
            if skill not in chosen and skill not in refused:
                try_skill(skill)
    if not reqs:
        raise ValueError("the network's people have no hours to deliver any requirement")

    cost += sum(index.coordination.get(o, 0.0) for o in used_orgs)
    value = 100 * math.ceil(cost * rnd.uniform(1.3, 1.8) / (1 - COMMISSION) / 100)
    doc: dict[str, Any] = {"value": value, "requirements": reqs}
    if rnd.random() < 0.5:
        doc["max_organisations"] = len(used_orgs) + rnd.randint(0, 2)
    doc["commission"] = COMMISSION
    return doc
