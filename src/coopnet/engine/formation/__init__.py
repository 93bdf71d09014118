"""Consortium formation: who works how many hours on what, at the least cost, proven optimal.

The model (spec §2): x[p, r] >= 0 hours of person p on requirement r, for the eligible pairs
only (p holds r's skill at r's minimum level or above). Every requirement gets exactly its
hours; nobody works more than their hours. Cost = sum of hours x rate, plus the coordination
cost of every organisation taking part, with at most `max_organisations` of them.

The modules, each importing only those above it in this list:

- `result`: what a formation returns (`Formation`, `Assignment`, `Uncovered`);
- `pairs`: the eligible (person, requirement) pairs, pruned without losing optimality;
- `dominance`: organisations other organisations' people make unnecessary (used by `form`);
- `fixed_charges`: the binaries of organisations taking part, their costs and the cap;
- `covers`: the requirements' flow-cover cuts, which tighten the MILP's relaxation;
- `transport`: the model over the pairs, solved by HiGHS and re-solvable (`TransportModel`);
- `diagnosis`: why an opportunity cannot be delivered (the requirements left uncovered);
- `solve`: `form`, the cheapest or fewest-organisations consortium;
- `skill_sharing`: the alternative that pairs juniors with experts.
"""

from coopnet.engine.formation.diagnosis import diagnose
from coopnet.engine.formation.fixed_charges import MIP_ABSOLUTE_GAP, add_fixed_charges, needs_mip
from coopnet.engine.formation.pairs import EligiblePairs, eligible_pairs
from coopnet.engine.formation.result import Assignment, Formation, Status, Uncovered
from coopnet.engine.formation.skill_sharing import SkillSharing, form_with_skill_sharing
from coopnet.engine.formation.solve import Objective, form
from coopnet.engine.formation.transport import TransportModel

__all__ = [
    "MIP_ABSOLUTE_GAP",
    "Assignment",
    "EligiblePairs",
    "Formation",
    "Objective",
    "SkillSharing",
    "Status",
    "TransportModel",
    "Uncovered",
    "add_fixed_charges",
    "diagnose",
    "eligible_pairs",
    "form",
    "form_with_skill_sharing",
    "needs_mip",
]
