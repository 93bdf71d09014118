"""The directory's pages on a 10,000-person network (issue 12): each page timed through
Django's test client, signed in, on SQLite (a fresh file) or PostgreSQL (a fresh database).

    .venv/bin/python -m benchmarks.directory_pages [--postgres] [--repeat 30]

Prints each page's median and 95th percentile wall time and median CPU time in ms, its size
and its count of <option>s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from typing import Any

PEOPLE, ORGANISATIONS = 10_000, 1_000
POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def _postgres_database(name: str) -> None:
    """A fresh PostgreSQL database `name` for this run."""
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement], check=True)
    os.environ["DATABASE_URL"] = POSTGRES + name
    os.environ["COOPNET_DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopnet.web.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _setup(postgres: bool) -> dict[str, Any]:
    from benchmarks import platform

    params = {"people": PEOPLE, "organisations": ORGANISATIONS}
    if postgres:
        _postgres_database("coopnet_bench_picker")
    else:
        platform._django(params)
    start = time.perf_counter()
    loaded = platform._load(params)
    print(f"loaded in {time.perf_counter() - start:.1f} s: {loaded['counts']}")
    return loaded


def _member_of_biggest(user: Any) -> str:
    """Make `user` an admin of the organisation with the most people; its slug."""
    from django.db.models import Count

    from coopnet.directory.models import Membership, Organisation

    biggest = Organisation.objects.annotate(n=Count("people")).order_by("-n").first()
    assert biggest is not None
    Membership.objects.create(user=user, organisation=biggest, role=Membership.ADMIN)
    return biggest.slug


def _time(client: Any, url: str, repeat: int) -> tuple[float, float, float, int, int, int]:
    """Median and 95th percentile of the wall time, and median of this process's CPU time (on
    a busy machine the steadier figure; SQLite's work is in it, PostgreSQL's is not), in ms."""
    wall, cpu = [], []
    response = client.get(url)
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    body = response.content
    p95 = statistics.quantiles(wall, n=20)[-1]
    median_cpu = statistics.median(cpu)
    return (
        statistics.median(wall),
        p95,
        median_cpu,
        response.status_code,
        len(body),
        body.count(b"<option"),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    loaded = _setup(args.postgres)
    from django.test import Client

    from coopnet.directory.models import Person

    user = loaded["coordinator"]
    slug = _member_of_biggest(user)
    person = Person.objects.filter(organisation__slug=slug).first()
    assert person is not None
    client = Client()
    client.force_login(user)
    urls = [
        "/",  # for comparison: the home page
        "/directory/",
        "/directory/?skill=python",
        "/directory/?skill=Python&min_level=3&min_hours=10",
        "/directory/?name=Person",
        "/directory/?name=Person&page=40",
        "/directory/skills/?q=py",
        "/directory/skills/?q=d",
        "/api/skills?q=py",
        f"/organisations/{slug}/",
        f"/organisations/{slug}/manage/",
        f"/people/{person.pk}/edit/",
        f"/organisations/{slug}/people/new/",
        "/opportunities/new/",
    ]
    print(
        f"{'page':52} {'median':>7} {'p95':>7} {'cpu':>7} {'status':>6} {'bytes':>7} {'<option':>7}"
    )
    for url in urls:
        median, p95, cpu, status, size, options = _time(client, url, args.repeat)
        print(f"{url:52} {median:7.1f} {p95:7.1f} {cpu:7.1f} {status:6} {size:7} {options:7}")


if __name__ == "__main__":
    main()
