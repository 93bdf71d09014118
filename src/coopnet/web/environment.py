"""Reading the settings' environment variables: each kind of value parsed one way, and a bad
value stops the app at start with one line naming the variable (ImproperlyConfigured), never a
traceback from deep inside Django later on.

>>> flag("COOPNET_UNSET_FLAG", True, {})
True
>>> flag("X", False, {"X": "yes"})
True
>>> names("X", ["localhost"], {"X": " a.example, b.example ,"})
['a.example', 'b.example']
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

Env = Mapping[str, str]
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_RATE = re.compile(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)")


def text(name: str, default: str = "", env: Env = os.environ) -> str:
    return env.get(name, "").strip() or default


def flag(name: str, default: bool, env: Env = os.environ) -> bool:
    """On or off: 1/true/yes/on or 0/false/no/off; unset or empty is the default."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE | _FALSE:
        return raw in _TRUE
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {raw!r}")


def whole(name: str, default: int, *, least: int = 0, env: Env = os.environ) -> int:
    """A whole number of at least `least`."""
    raw = env.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < least:
        raise ImproperlyConfigured(f"{name} must be at least {least}, not {value}")
    return value


def rate(name: str, default: str, env: Env = os.environ) -> str:
    """An API rate, "requests/period" (period s, min, hour or day: "600/min")."""
    value = text(name, default, env)
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(f"{name} must be requests/period, e.g. 600/min, not {value!r}")
    return value


def names(name: str, default: list[str], env: Env = os.environ) -> list[str]:
    """A comma-separated list, blanks dropped."""
    raw = env.get(name, "")
    found = [part.strip() for part in raw.split(",") if part.strip()]
    return found or list(default)


def required(name: str, why: str, env: Env = os.environ) -> str:
    """A value production cannot start without."""
    value = text(name, "", env)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production: {why}")
    return value
