"""What a formation returns: who works how many hours on what, or what cannot be covered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["optimal", "feasible", "infeasible"]


@dataclass(frozen=True)
class Assignment:
    person: str
    org: str
    skill: str
    hours: float
    requirement: int


@dataclass(frozen=True)
class Uncovered:
    requirement: int
    skill: str
    min_level: int
    hours: float
    available: float
    reason: str


@dataclass(frozen=True)
class Formation:
    status: Status
    cost: float | None
    organisations: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    solve_seconds: float
    gap: float | None = None
    uncovered: tuple[Uncovered, ...] = ()
