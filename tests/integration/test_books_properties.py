"""The books' acceptance: any sequence of random operations (contracts formed, milestones
delivered and invoiced, payments partial or refused as too much, credit notes, payout runs,
reversals, shared services' months charged) over 50 organisations leaves every entry balanced,
the trial balance at zero, each organisation's balance what fell due to it less what it was
paid and charged, and nothing of anyone's books visible to a competitor.

The operations are books_world.py's, the checks invariants.py's. One long seeded sequence of
2,000 operations; a shorter one hypothesis draws and shrinks; and on PostgreSQL, a sequence
whose every write commits, so that the database's deferred balance triggers check each entry.
"""

import datetime as dt
import random

import pytest
from books_world import OPERATIONS, World, build_network
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import check_all, check_step

from coopnet.books.models import JournalEntry

pytestmark = pytest.mark.usefixtures("clock")

#: the months whose fee schedules exist, up to the pinned today (instants.ORDINARY, June 2026)
MONTHS = [dt.date(2026, m, 1) for m in range(1, 7)]
ORGANISATIONS = 50


def sequence(seed: int, length: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    names = rng.choices(list(OPERATIONS), weights=list(OPERATIONS.values()), k=length)
    return [(name, rng.randrange(2**32)) for name in names]


def run(world: World, operations: list[tuple[str, int]], full_every: int) -> None:
    last = 0
    for step, (name, seed) in enumerate(operations, start=1):
        world.apply(name, seed)
        last = check_step(world, last)
        if step % full_every == 0:
            check_all(world, privacy=False)
    check_all(world)


@pytest.fixture
def network(db, coordinator):
    return build_network(coordinator, ORGANISATIONS, MONTHS)


@pytest.mark.slow
@pytest.mark.django_db
def test_two_thousand_random_operations_keep_the_books(network):
    world = World(network)
    run(world, sequence(seed=20260617, length=2000), full_every=500)
    assert len(world.deals) > 100
    assert JournalEntry.objects.filter(kind=JournalEntry.REVERSAL).count() > 50
    assert world.expected.invoices > 200
    assert world.expected.refusals > 50
    assert world.expected.credited
    assert world.expected.payouts


operation = st.tuples(
    st.sampled_from([name for name, weight in OPERATIONS.items() for _ in range(weight)]),
    st.integers(min_value=0, max_value=2**32 - 1),
)


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=40))
def test_any_sequence_of_operations_keeps_the_books(network, operations):
    # the network stays; what each example does to the books is rolled back after it
    with transaction.atomic():
        try:
            run(World(network), [("form", 1), ("form", 2), *operations], full_every=20)
        finally:
            transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_the_database_checks_each_committed_entry(network):
    """Every service call commits on its own here: on PostgreSQL the deferred triggers check
    each entry's balance at each commit (inside a test's transaction they never fire)."""
    world = World(network)
    run(world, sequence(seed=7, length=100), full_every=50)
    assert world.expected.invoices > 5
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'books_%balances'")
            assert cursor.fetchone()[0] == 2
