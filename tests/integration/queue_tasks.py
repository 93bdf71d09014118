"""A test-only job for the queue (test_two_workers.py): tiny, and countable from outside.
`coopnet worker` processes import it by name (`queue_tasks.record_run`), with this folder on
their PYTHONPATH."""

import os

from django.db import connection, transaction
from django_tasks import task


@task()
def record_run(number: int, log: str, gate: int) -> None:
    """Wait at the gate (a PostgreSQL advisory lock the test holds until both workers have
    taken a job), then append one line to `log`: the job's number and this process's id. One
    short append is atomic, so every run leaves exactly one whole line: a job run twice shows
    as its number twice."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [gate])
    with open(log, "a") as runs:
        runs.write(f"{number} {os.getpid()}\n")
