"""The packaged skill taxonomy and its families, with Zipf-like popularity within each.

Skills come in families (front end, back end, data, devops/cloud, security, design/UX, mobile,
project management, ...). Within a family, popularity follows the taxonomy's rank order.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Zipf exponent of skill popularity over the taxonomy's rank order.
ZIPF_EXPONENT = 0.9

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


class Families:
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
