"""Skills resilience: who the network's demanded skills rest on, and a mentoring plan to widen it.

Definitions (all hours are the requirement hours of the given opportunities):

* **Bus factor** of a skill: the number of people holding it at level >= 3 (`HOLD_LEVEL`).
  `free_hours` is the sum of those people's `hours`; `demand` is the sum of the requirement
  hours asked for that skill by the opportunities, whatever their `min_level`.
* **Resilience score** (lower is better): the share of the demanded hours that rest on skills
  with a bus factor of at most 1 (one departure, or none, from being unable to deliver them).
  For an **organisation**, the same share of the *network's* demand, but judged with the
  organisation's own bus factor (its own people at level >= 3): how exposed the organisation
  would be if it had to deliver the whole demand alone. 0.0 when nothing is demanded.
* **At-risk skills**: demanded skills with a network bus factor <= 1, by decreasing demand.

Mentoring plan. A *mentor* for a skill holds it at level >= 4 (`MENTOR_LEVEL`) and has a
mentoring budget: the person's optional `mentor_hours` field, else 10% of their `hours`
(`MENTOR_SHARE`), never more than their `hours`. A *learner* for a skill does not hold it at
level >= 3 and either holds it at level 1 or 2, or lists it in their optional `wants` field.
A pairing (mentor, learner, skill) costs the mentor `session_hours` (default 10) of their
budget and raises the learner to level 3, so the skill's bus factor grows by one. Each learner
takes at most one pairing; mentors stay within budget. Pairs from different organisations are
allowed only when both organisations are in the network's optional `mentoring_opt_in` list.

Objective: the gain in weighted coverage. Raising a skill's bus factor from b to b + 1 is worth
demand × w(b) with w(b) = 1 / (b + 1): the first holder of a skill is worth its whole demand,
the second half of it, and so on. The plan maximises the total gain exactly, as a small
integer program solved by HiGHS: people are grouped into classes that are interchangeable
(the same mentoring pool and the same candidate skills), the diminishing gains of a skill are
its incremental steps (concave, so the LP fills them in order), and only skills with demand and
people who can mentor or learn them are modelled.
"""

from coopnet.engine.resilience.analysis import Resilience, resilience, resilience_json
from coopnet.engine.resilience.mentoring import (
    LEARNER_LEVELS,
    MENTOR_LEVEL,
    MENTOR_SHARE,
    SESSION_HOURS,
    MentoringOptions,
    MentoringPlan,
    Pairing,
    mentor_budget,
    mentoring_plan,
    parse_mentoring,
)
from coopnet.engine.resilience.skills import (
    HOLD_LEVEL,
    SkillRisk,
    SkillsMap,
    coverage_gain,
    demand_by_skill,
    risk_share,
    skills_map,
    step_gains,
)

__all__ = [
    "HOLD_LEVEL",
    "LEARNER_LEVELS",
    "MENTOR_LEVEL",
    "MENTOR_SHARE",
    "SESSION_HOURS",
    "MentoringOptions",
    "MentoringPlan",
    "Pairing",
    "Resilience",
    "SkillRisk",
    "SkillsMap",
    "coverage_gain",
    "demand_by_skill",
    "mentor_budget",
    "mentoring_plan",
    "parse_mentoring",
    "resilience",
    "resilience_json",
    "risk_share",
    "skills_map",
    "step_gains",
]
