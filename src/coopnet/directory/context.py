"""Template context for every page: the organisation the navigation's "My organisation" opens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coopnet.directory.auth import FIRST_ORGANISATION
from coopnet.directory.models import Membership


def my_organisation(request: HttpRequest) -> dict[str, Any]:
    """The slug of the signed-in user's first organisation (by membership), read in one query
    and only if a page shows it; None for someone in none."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    if hasattr(user, FIRST_ORGANISATION):  # read with the user (`auth.MemberBackend`)
        return {"my_organisation_slug": getattr(user, FIRST_ORGANISATION)}

    def slug() -> str | None:
        rows = Membership.objects.filter(user_id=user.pk).order_by("pk")
        return rows.values_list("organisation__slug", flat=True).first()

    return {"my_organisation_slug": slug}
