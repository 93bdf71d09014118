"""Panels that apps above the directory add to an organisation's public profile.

The directory knows nothing of the apps above it; each offers its panel when Django starts
(from its `AppConfig.ready`), and the profile page shows the panels in their `order`:

    profile_panels.register(Panel("opportunities/_profile_consortia.html", consortia, order=10))

A panel's `context` gets the organisation and returns what its template shows: public facts
only, the same for every signed-in person in the network (it is given no viewer), so that the
profile keeps its panels once for everyone (`coopnet.common.derived.kept`, per organisation and
day: a panel may depend on today's date, but on nothing else besides the network's data). A
panel's template shows no form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coopnet.directory.models import Organisation

Context = Callable[[Organisation], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: Context
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict[str, Any]


class Panels:
    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        """Add `panel` (registering a template again replaces its panel)."""
        self._panels[panel.template] = panel

    def shown(self, organisation: Organisation) -> list[ShownPanel]:
        ordered = sorted(self._panels.values(), key=lambda p: (p.order, p.template))
        return [ShownPanel(p.template, p.context(organisation)) for p in ordered]


profile_panels = Panels()
#: the panels of an organisation's public profile, shown to anyone (signed in or not) when the
#: organisation has made its profile public: public facts only, as on `profile_panels`
public_panels = Panels()
