"""Views derived from the network's data (the skills map and its scores, the directory's
searches, the organisations' profiles, the opportunities and services pages), computed once per
change instead of once per request.

Every write to the platform's data calls `announce()`: the model signals of every coopnet app
do (`listen`, connected when the apps are ready; a few bookkeeping models are left out, see
`UNANNOUNCED`), and services that write in bulk, which sends no model signal, send
`directory.signals.network_changed` or `opportunities.signals.demand_changed` (or call
`announce` themselves). When its transaction commits, the network's version, one row of
`DerivedVersion`, gets a new random token. A read (`cached`, `kept`) reads that row (once per
request) and looks for the view under its token in Django's cache
(`django.core.cache.cache`: Redis or local memory), computing it only when it is not there, or
no longer true at this instant (a view may say until when it holds: demand is a moving window).
So:

* after a commit, the next read computes the view again: nothing stale is read once the write
  has returned;
* a read that began before the commit may store what it computed under the old token, which
  no one reads again; computing twice is harmless, and a lock in the cache keeps the requests
  that arrive while one computes waiting for its result rather than computing it too;
* inside a transaction that has written something announced and not yet committed, a read
  computes the view from what it sees, and keeps nothing (no one else sees that data yet).

A view kept this way holds no one's private data under a key others can ask for: what one
viewer may see differently is part of the key (`kept`'s `key`), and nothing that carries a
session's secret (a form's CSRF token) is kept.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from coopnet.common.models import DerivedVersion

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
    memo: dict[str, str] | None = getattr(_request, "tokens", None)
    if memo is not None:
        memo[name] = token
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
    """The version of view `name`, read once per request (a write committed meanwhile by
    another request is seen by the next one)."""
    memo: dict[str, str] | None = getattr(_request, "tokens", None)
    if memo is not None and name in memo:
        return memo[name]
    found = _read_token(name) or "initial"
    if memo is not None:
        memo[name] = found
    return found


def primed(name: str, found: str | None) -> None:
    """Take `found` as view `name`'s token for the rest of this request, unless the request
    read one already: for a query that reads the token along with something every request
    needs (`directory.auth.MemberBackend`, with the user), saving a round trip of its own."""
    memo: dict[str, str] | None = getattr(_request, "tokens", None)
    if memo is not None and name not in memo:
        memo[name] = found or "initial"


def token_query(name: str = NETWORK) -> Any:
    """The token of view `name` as a subquery, to read along with another query's row (then
    give it to `primed`)."""
    from django.db.models import Subquery

    return Subquery(DerivedVersion.objects.filter(name=name).values("token")[:1])


def _read_token(name: str) -> str | None:
    """The token's row read with a plain cursor: every request reads it, and the ORM takes
    longer to build this query than the database to answer it."""
    connection = connections[router.db_for_read(DerivedVersion)]
    table = connection.ops.quote_name(DerivedVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


#: the tokens read by the request this thread serves (None outside a request)
_request = threading.local()


def _request_started(**kwargs: Any) -> None:
    _request.tokens = {}


def _request_finished(**kwargs: Any) -> None:
    _request.tokens = None


#: the last view read by this process, so that a warm read unpickles nothing
_memo: dict[str, Stamped[Any]] = {}


def forget() -> None:
    """Drop this process's copies (the cache's stay): for tests."""
    _memo.clear()
    with _kept_lock:
        _kept.clear()


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


def kept(key: str, compute: Callable[[], T], name: str = NETWORK) -> T:
    """What `compute()` gives, kept under `key` until the next change to the network: `key`
    names the view and everything it depends on besides the network's data (the viewer's
    organisation, the page, the search), so that two viewers who may see different things
    never share it. This process keeps its own copy of the last `KEPT_IN_PROCESS` read, under
    the same version: a warm read then asks neither the cache nor the database for it."""
    if _uncommitted():
        return compute()
    full = f"coopnet:kept:{name}:{token(name)}:{key}"
    with _kept_lock:
        found: Stamped[T] | None = _kept.get(full)
        if found is not None:
            _kept.move_to_end(full)
            return found.value
    found = cache.get(full)
    if found is None:
        found = Stamped(compute())
        cache.set(full, found, CACHE_SECONDS)
    with _kept_lock:
        _kept[full] = found
        while len(_kept) > KEPT_IN_PROCESS:
            _kept.popitem(last=False)
    return found.value


#: how many kept views a process holds itself, the least recently read dropped first (what it
#: holds is under a version: a change makes them unread, and they leave as others come). A
#: view is mostly a page's HTML, 5 to 30 KB: at most some 40 MB a process. Each web process
#: holds its own, so with several the same views are held several times over; enough for the
#: searches, profiles and opportunity pages a network of 10,000 reads in a few minutes.
KEPT_IN_PROCESS = 2048
_kept: OrderedDict[str, Stamped[Any]] = OrderedDict()
_kept_lock = threading.Lock()


#: app labels whose models are the network's data, and models of theirs that are not
ANNOUNCED_APPS = frozenset(
    {
        "common",
        "directory",
        "opportunities",
        "offerings",
        "network",
        "sharedservices",
        "mentoring",
        "books",
    }
)
UNANNOUNCED = frozenset(
    {
        "common.apitoken",  # its last use, written by every call with a token
        "common.auditevent",
        "common.derivedversion",
        "common.formsubmission",
        "mentoring.levelchange",
    }
)


def _announce_model(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if (
        meta is not None
        and meta.app_label in ANNOUNCED_APPS
        and meta.label_lower not in UNANNOUNCED
    ):
        announce()


def listen() -> None:
    """Announce every write to a coopnet model saved, deleted or linked one by one, and keep
    each request's tokens apart."""
    post_save.connect(_announce_model, dispatch_uid="coopnet-derived-saved")
    post_delete.connect(_announce_model, dispatch_uid="coopnet-derived-deleted")
    m2m_changed.connect(_announce_model, dispatch_uid="coopnet-derived-linked")
    request_started.connect(_request_started, dispatch_uid="coopnet-derived-request-started")
    request_finished.connect(_request_finished, dispatch_uid="coopnet-derived-request-finished")
