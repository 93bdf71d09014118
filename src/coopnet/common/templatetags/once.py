"""`{% once_field %}`: the hidden one-time token of a create form (see coopnet.common.once)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coopnet.common.once import FIELD, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_field(context: dict[str, Any]) -> SafeString:
    """A hidden input holding a fresh token, for the signed-in user the page is for."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return format_html("")
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, form_token(request))
