"""`{% main_nav %}`: the signed-in header's navigation, a builtin of the project's templates.

Every page shows it, so it is built in Python rather than as template tags: its links are the
same for everyone but the first organisation's slug and the coordinator's two, and which one is
the current page depends only on the page's URL name and app. The HTML for each such
combination is made once per process (`_html`); a request adds only its CSRF token, which the
sign-out form carries."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from coopnet.notifications.selectors import unread_count

register = template.Library()

#: where the request's CSRF token goes in the kept HTML
_TOKEN = "\x00coopnet-csrf\x00"

#: how many (page, organisation, coordinator) combinations a process keeps the HTML of
KEPT = 4096


def _links(url_name: str, app_name: str, slug: str | None, coordinator: bool) -> list[Any]:
    """(address, current?, label) of each link, in order."""
    links = [
        (reverse("directory:search"), url_name == "search", "Directory"),
        (
            reverse("directory:manage", args=[slug]) if slug else reverse("home"),
            url_name == "manage",
            "My organisation",
        ),
        ("/opportunities/", False, "Opportunities"),
        (reverse("jointbids:overview"), app_name == "jointbids", "Joint bids"),
        (reverse("offerings:browse"), app_name == "offerings", "Offerings"),
        (reverse("sharedservices:list"), app_name == "sharedservices", "Shared services"),
        (reverse("mentoring:overview"), app_name == "mentoring", "Skills and mentoring"),
        (
            reverse("books:contracts"),
            app_name == "books" and url_name != "network",
            "Contracts",
        ),
    ]
    if coordinator:
        links += [
            (reverse("books:network"), url_name == "network" and app_name == "books", "Books"),
            (reverse("network:dashboard"), app_name == "network", "Network"),
            (reverse("clients:inbox"), app_name == "clients", "Client requests"),
        ]
    links.append((reverse("tokens:list"), app_name == "tokens", "API tokens"))
    return links


@functools.lru_cache(maxsize=KEPT)
def _html(url_name: str, app_name: str, slug: str | None, coordinator: bool) -> str:
    items = format_html_join(
        "\n",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (href, mark_safe(' aria-current="page"') if current else "", label)
            for href, current, label in _links(url_name, app_name, slug, coordinator)
        ),
    )
    return format_html(
        '<nav aria-label="Main">\n<ul class="nav">\n{}\n<li>\n'
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="link-button">Sign out</button></form>\n'
        "</li>\n</ul>\n</nav>",
        items,
        reverse("logout"),
        _TOKEN,
    )


@register.simple_tag(takes_context=True)
def main_nav(context: Any) -> SafeString:
    """The navigation for the page being rendered (the template shows it to signed-in users)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    slug = context.get("my_organisation_slug")
    html = _html(
        (match.url_name or "") if match else "",
        (match.app_name or "") if match else "",
        slug() if callable(slug) else slug,
        bool(context.get("is_coordinator")),
    )
    token = get_token(request) if request is not None else ""
    return mark_safe(html.replace(_TOKEN, token))  # the token: letters and digits only


@register.simple_tag(takes_context=True)
def notifications_link(context: Any) -> SafeString:
    """The link to the user's notifications with their unread count: per user, so made for
    each request and never kept with the navigation's HTML."""
    request = context.get("request")
    user = getattr(request, "user", None)
    count = unread_count(user) if user is not None else 0
    label = format_html(' <span class="badge" data-testid="unread-count">{}</span>', count)
    return format_html(
        '<a class="notifications-link" href="{}">Notifications{}</a>',
        reverse("notifications:list"),
        label if count else "",
    )
