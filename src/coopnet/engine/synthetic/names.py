"""Plausible names: organisations (freelancers, co-ops, firms) and client projects."""

from __future__ import annotations

import random

import numpy as np
from numpy.typing import NDArray

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

PROJECTS: dict[str, tuple[str, ...]] = {
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
GENERIC_PROJECTS = ("digital-project", "software-build", "platform-upgrade", "pilot-service")


def organisation_names(
    rnd: random.Random, sizes: NDArray[np.int64], focus: NDArray[np.int64]
) -> list[str]:
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
