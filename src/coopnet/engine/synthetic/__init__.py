"""Synthetic networks of co-operatives and small IT firms, and client opportunities for them.

`generate_network` builds a spec §2 network document and `generate_opportunities` builds spec §2
opportunity documents that the network can deliver. Both are deterministic for a seed, use only
the standard library and numpy, and read nothing but the packaged skill taxonomy
(``coopnet/data/skills.csv``, see ``SKILLS-LICENCE.md`` there).

What makes the networks look real (see `networks` and `taxonomy`): heavy-tailed organisation
sizes, skills in families that co-occur as in real work with Zipf-like popularity, levels that
rise with seniority and cost rates that rise with level.

>>> net = generate_network(people=40, organisations=8, seed=1)
>>> len(net["people"]), len(net["organisations"])
(40, 8)
>>> opportunity = generate_opportunities(net, count=1, requirements=3, seed=1)[0]
>>> len(opportunity["requirements"])
3
"""

from coopnet.engine.synthetic.networks import generate_network
from coopnet.engine.synthetic.opportunities import generate_opportunities
from coopnet.engine.synthetic.taxonomy import NEIGHBOURS, Skill, load_skills

__all__ = ["NEIGHBOURS", "Skill", "generate_network", "generate_opportunities", "load_skills"]
