"""Template context for every page: the network's name, and whether to offer the coordinator's
pages in the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from coopnet.directory.selectors import is_coordinator

DEFAULT_NAME = "coopnet"


def network(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "network_name": getattr(settings, "COOPNET_NETWORK_NAME", DEFAULT_NAME),
        "is_coordinator": user is not None and is_coordinator(user),
    }
