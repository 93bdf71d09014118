"""Template context for every page: the network's name and currency, and whether to offer the
coordinator's pages in the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from coopnet.common.access import is_coordinator
from coopnet.common.money import network_currency

DEFAULT_NAME = "coopnet"


def network(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "network_name": getattr(settings, "COOPNET_NETWORK_NAME", DEFAULT_NAME),
        "currency": network_currency(),
        "is_coordinator": user is not None and is_coordinator(user),
    }
