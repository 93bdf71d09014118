"""`derived.kept`: a view kept until the next change, in the shared cache and in the process
that read it last, under the network's version."""

import pytest
from django.core.cache import cache

from coopnet.common import derived
from coopnet.directory.models import Organisation


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def test_a_warm_read_is_served_by_the_process_then_by_the_cache(db):
    compute = _counter()
    assert derived.kept("test:view", compute) == 1
    cache.clear()
    assert derived.kept("test:view", compute) == 1  # the process's own copy
    derived.forget()
    assert derived.kept("test:view", compute) == 2  # neither holds it: computed again
    derived.forget()
    assert derived.kept("test:view", compute) == 2  # the shared cache's


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_makes_every_copy_unread():
    compute = _counter()
    assert derived.kept("test:view", compute) == 1
    Organisation.objects.create(name="New Co-op", slug="new-co-op")
    assert derived.kept("test:view", compute) == 2
    assert derived.kept("test:view", compute) == 2


def test_a_process_holds_the_last_views_read_only(db, monkeypatch):
    monkeypatch.setattr(derived, "KEPT_IN_PROCESS", 2)
    for key in ("a", "b", "a", "c"):  # "a" read again: "b" is the least recently read
        derived.kept(f"test:{key}", lambda key=key: key)
    held = [key.rpartition(":")[2] for key in derived._kept]
    assert held == ["a", "c"]
