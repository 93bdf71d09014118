"""Views derived from the whole network (the skills map and its scores), computed once per
change instead of once per request.

A write to what such a view is made of calls `announce()` (the model signals do, see
`receivers`; services that write in bulk send `directory.signals.network_changed` or
`opportunities.signals.demand_changed`). When its transaction commits, the view's version, one
row of `DerivedVersion`, gets a new random token. A read (`cached`) reads that row and looks for
the view under its token in Django's cache (`django.core.cache.cache`: Redis or local memory),
computing it only when it is not there, or no longer true at this instant (a view may say until
when it holds: demand is a moving window). So:

* after a commit, the next read computes the view again: nothing stale is read once the write
  has returned;
* a read that began before the commit may store what it computed under the old token, which
  no one reads again; computing twice is harmless, and a lock in the cache keeps the requests
  that arrive while one computes waiting for its result rather than computing it too;
* inside a transaction that has written something announced and not yet committed, a read
  computes the view from what it sees, and keeps nothing (no one else sees that data yet).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction

from coopnet.mentoring.models import DerivedVersion

T = TypeVar("T")

NETWORK = "network"
#: how long a computed view stays in the cache at most (a safety net: the token changes first)
CACHE_SECONDS = 3600
#: how long the requests wait for another one computing the same view before they compute it
WAIT_SECONDS, POLL_SECONDS, LOCK_SECONDS = 5.0, 0.02, 60
#: the attribute of a database connection holding its transaction's pending version change
_PENDING = "coopnet_derived_pending"


@dataclass(frozen=True)
class Stamped(Generic[T]):
    """A computed view, true at the instants from `start` until just before `end` (None: no
    bound) until the next change."""

    value: T
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def holds_at(self, now: dt.datetime) -> bool:
        return (self.start is None or self.start <= now) and (self.end is None or now < self.end)


class _VersionChange:
    """The new token of one transaction, made once however many writes announce it."""

    def __init__(self, outer: Any) -> None:
        self.outer, self.done = outer, False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            version_bump()


def version_bump(name: str = NETWORK) -> str:
    """Give view `name` a new token at once (`announce` waits for the commit)."""
    token = uuid.uuid4().hex
    if not DerivedVersion.objects.filter(name=name).update(token=token):
        try:
            with transaction.atomic():
                DerivedVersion.objects.create(name=name, token=token)
        except IntegrityError:  # made meanwhile by another first change
            DerivedVersion.objects.filter(name=name).update(token=token)
    return token


def _outer_block() -> Any:
    connection = transaction.get_connection()
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def announce(**kwargs: Any) -> None:
    """The network's derived views change with the current transaction: give them a new token
    when it commits (at once outside a transaction). Any arguments (a signal's) are ignored."""
    connection, outer = transaction.get_connection(), _outer_block()
    pending = getattr(connection, _PENDING, None)
    if pending is None or pending.done or pending.outer is not outer:
        pending = _VersionChange(outer)
        setattr(connection, _PENDING, pending)
    # registered again by every write, so that one survives a savepoint rolled back
    transaction.on_commit(pending)


def _uncommitted() -> bool:
    """Whether this connection's transaction announced a change it has not committed yet."""
    pending = getattr(transaction.get_connection(), _PENDING, None)
    outer = _outer_block()
    return outer is not None and pending is not None and not pending.done and pending.outer is outer


def token(name: str = NETWORK) -> str:
    found = DerivedVersion.objects.filter(name=name).values_list("token", flat=True).first()
    return found or "initial"


#: the last view read by this process, so that a warm read unpickles nothing
_memo: dict[str, Stamped[Any]] = {}


def forget() -> None:
    """Drop this process's copies (the cache's stay): for tests."""
    _memo.clear()


def cached(
    compute: Callable[[dt.datetime], Stamped[T]], now: dt.datetime, name: str = NETWORK
) -> Stamped[T]:
    """View `name` at `now`: from the cache when it holds, else computed (and kept)."""
    if _uncommitted():
        return compute(now)
    key = f"coopnet:derived:{name}:{token(name)}"
    kept: Stamped[T] | None = _memo.get(key) or cache.get(key)
    found = kept if kept is not None and kept.holds_at(now) else _compute_once(key, compute, now)
    if _memo.get(key) is not found:
        _memo.clear()
        _memo[key] = found
    return found


def _compute_once(
    key: str, compute: Callable[[dt.datetime], Stamped[T]], now: dt.datetime
) -> Stamped[T]:
    """Compute and store the view, or wait for the request computing it already."""
    lock = f"{key}:computing"
    if cache.add(lock, 1, LOCK_SECONDS):
        try:
            found = compute(now)
            cache.set(key, found, CACHE_SECONDS)
            return found
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        waited: Stamped[T] | None = cache.get(key)
        if waited is not None and waited.holds_at(now):
            return waited
    return compute(now)
