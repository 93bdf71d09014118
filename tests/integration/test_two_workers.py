"""Two `coopnet worker` processes on one PostgreSQL queue: every job runs exactly once, and
both take jobs. django-tasks-db claims a job with SELECT ... FOR UPDATE SKIP LOCKED and marks it
running in the same transaction, so two workers never take the same one.

The jobs (queue_tasks.record_run) wait at a gate the test holds shut until each worker has
claimed one, so that both are seen working at once however slowly either starts; then the gate
opens and the two race through the rest of the queue."""

import os
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from queue_tasks import record_run

COOPNET = Path(sys.executable).with_name("coopnet")
HERE = Path(__file__).resolve().parent
JOBS = 200

pytestmark = pytest.mark.django_db(transaction=True)  # the workers read what the test commits


@pytest.fixture
def postgres_url():
    """The URL of the suite's test database, for processes of their own to use; skips on
    SQLite, whose one lock over the whole file makes workers take turns rather than race."""
    if connection.vendor != "postgresql":
        pytest.skip("two workers racing for jobs is a PostgreSQL test (DATABASE_URL=postgres://)")
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()


def start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    with open(log, "wb") as output:
        return subprocess.Popen(
            [str(COOPNET), "worker", "--batch"], env=env, stdout=output, stderr=subprocess.STDOUT
        )


def wait_until_both_run_a_job(workers, logs, timeout=120.0):
    """Until two jobs are running: each worker runs one at a time, so both have one."""
    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.running().count() < 2:
        exited = any(w.poll() is not None for w in workers)
        if exited or time.monotonic() > deadline:
            pytest.fail(f"both workers never ran a job at once: {[p.read_text() for p in logs]}")
        time.sleep(0.1)


def test_two_workers_run_every_job_exactly_once_and_share_them(postgres_url, tmp_path):
    runs = tmp_path / "runs.log"
    runs.touch()
    gate = uuid.uuid4().int % 2**62
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with psycopg.connect(postgres_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [gate])
        results = [record_run.enqueue(n, str(runs), gate) for n in range(JOBS)]
        workers = [start_worker(postgres_url, log) for log in logs]
        try:
            wait_until_both_run_a_job(workers, logs)
            holder.execute("SELECT pg_advisory_unlock(%s)", [gate])
            codes = [w.wait(timeout=300) for w in workers]
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(timeout=10)
    assert codes == [0, 0], [log.read_text() for log in logs]

    lines = [line.split() for line in runs.read_text().splitlines()]
    assert Counter(int(number) for number, _ in lines) == Counter(range(JOBS))  # once each
    by_process = Counter(int(pid) for _, pid in lines)
    assert set(by_process) == {w.pid for w in workers}  # both took jobs, nobody else did
    assert sum(by_process.values()) == JOBS

    done = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert sorted(done.values_list("status", flat=True)) == ["SUCCESSFUL"] * JOBS
    claims = list(done.values_list("worker_ids", flat=True))
    assert all(len(ids) == 1 for ids in claims)  # each claimed by one worker, once
    assert len({ids[0] for ids in claims}) == 2
