"""The books at scale, on PostgreSQL: one organisation's statement and the whole network's
Beancount export over a ledger of a million postings (issue 10's targets: under 50 ms and
under 10 s).

The runner creates a scratch database (`coopnet_bench_ledger` on the server of
`COOPNET_BENCH_POSTGRES`, default postgres://postgres@127.0.0.1:5432), and a first worker
migrates it and loads the synthetic ledger of `benchmarks.ledger_data` once for the whole run;
each timed case then runs in its own fresh worker on that database, and the database is dropped
at the end. Without a PostgreSQL server the section says so and the targets count as missed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import Measured, Prepared, Profile, Section, Table, progress, run_worker

FAMILY = "ledger"
TITLE = "Ledger: a million postings on PostgreSQL"
INTRO = """
`coopnet.books` on PostgreSQL, with a synthetic ledger written as the services write it
(`benchmarks/ledger_data.py`): 1,000 organisations and 5,000 contracts; every day 40
milestones are delivered and invoiced (3 postings each, 20% VAT), each invoice is paid in one
or two payments 10 to 60 days later (the commission and three partners' shares fall due, to
the cent: 6 or 7 postings), and every Friday a payout run pays each organisation what it is
owed (2 postings each), until the journal holds a million postings. Partners are drawn with
weights 1/√rank, so the busiest organisations have many times the median's postings. The rows
are loaded once per run with `COPY` (every entry's balance checked before the load commits).
Each figure is the median of the timed runs, each case in a fresh worker process on the loaded
database. The statement is answered from migration 0005's covering indexes; the export walks
the entries' (date, id) index, streaming, never sorting the postings.
"""

DATABASE = "coopnet_bench_ledger"
SERVER = os.environ.get("COOPNET_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
POSTINGS, QUICK_POSTINGS = 1_000_000, 20_000
ORGANISATIONS, QUICK_ORGANISATIONS = 1_000, 50
PER_DAY, QUICK_PER_DAY = 40, 5
STATEMENT_TARGET, EXPORT_TARGET = 0.050, 10.0

# --- inside the worker -------------------------------------------------------------------------


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopnet.web.settings"
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["COOPNET_DEBUG"] = "0"  # no query log: it would grow with every query
    import django

    django.setup()


def case_load(side: str, params: dict[str, Any]) -> Prepared:
    """Migrate the (new, empty) scratch database and load the ledger; the figures are timed
    here, outside `execute`, whose one job is a no-op."""
    from benchmarks.ledger_load import load

    start = time.perf_counter()
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    counts = load(params["postings"], params["organisations"], params["per_day"])
    summary = {"migrate_seconds": migrated - start, **counts}
    return Prepared([lambda: None], lambda _: summary, repeats=1)


def _organisations() -> dict[str, str]:
    """The organisations whose statement is timed: the busiest and the median (by postings)."""
    from django.db.models import Count

    from coopnet.books.models import Account

    ranked = list(
        Account.objects.filter(organisation__isnull=False)
        .annotate(n=Count("postings"))
        .order_by("-n", "pk")
        .values_list("organisation__slug", "n")
    )
    busiest, median = ranked[0], ranked[len(ranked) // 2]
    return {"busiest": busiest[0], "median": median[0], "busiest_postings": busiest[1],
            "median_postings": median[1]}  # fmt: skip


def case_statement(side: str, params: dict[str, Any]) -> Prepared:
    """`selectors.statement(coordinator, slug)`: the organisation's totals and latest lines."""
    _django()
    from coopnet.books import selectors
    from coopnet.common.models import Coordinator

    coordinator = Coordinator.objects.select_related("user").get().user
    chosen = _organisations()

    def job(slug: str) -> Callable[[], Any]:
        return lambda: selectors.statement(coordinator, slug)

    def summarise(results: list[Any]) -> dict[str, Any]:
        return {**chosen, "lines": [len(s.lines) for s in results],
                "balances": [str(s.balance) for s in results]}  # fmt: skip

    jobs = [job(chosen["busiest"]), job(chosen["median"])]
    return Prepared(jobs, summarise, params["repeats"], params["warmup"])


def case_export(side: str, params: dict[str, Any]) -> Prepared:
    """The network's books (or the busiest organisation's view) as Beancount or CSV, written
    to /dev/null: `side` is `beancount`, `csv` or `view`."""
    _django()
    from coopnet.books import exports
    from coopnet.directory.models import Organisation

    whose = Organisation.objects.get(slug=_organisations()["busiest"]) if side == "view" else None
    form = "csv" if side == "csv" else "beancount"

    def job() -> dict[str, float]:
        lines = characters = 0
        cpu = time.process_time()
        with open(os.devnull, "w") as sink:
            for block in exports.blocks(exports.text(exports.books(whose), form)):
                sink.write(block)
                lines += block.count("\n")
                characters += len(block)
        return {"lines": lines, "characters": characters, "cpu": time.process_time() - cpu}

    return Prepared([job], lambda results: results[0], params["repeats"], params["warmup"])


CASES: dict[str, Callable[[str, dict[str, Any]], Prepared]] = {
    "load": case_load,
    "statement": case_statement,
    "export": case_export,
}

# --- in the runner -----------------------------------------------------------------------------


def _admin(sql: str) -> None:
    """Run `sql` on the server's maintenance database (CREATE/DROP DATABASE need autocommit)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _fresh_database() -> str | None:
    """Create the scratch database anew; the reason it cannot be, or None."""
    try:
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        _admin(f"CREATE DATABASE {DATABASE}")
    except Exception as error:  # no server, no rights: the section says why
        return f"{error.__class__.__name__}: {str(error).strip().splitlines()[0]}"
    return None


def run(profile: Profile) -> Section:
    section = Section(FAMILY, TITLE, INTRO)
    quick = profile.quick
    params = {
        "postings": QUICK_POSTINGS if quick else POSTINGS,
        "organisations": QUICK_ORGANISATIONS if quick else ORGANISATIONS,
        "per_day": QUICK_PER_DAY if quick else PER_DAY,
    }
    progress(f"[ledger] {params['postings']:,} postings on PostgreSQL ({SERVER}/{DATABASE})")
    refused = _fresh_database()
    if refused is not None:
        section.misses.append(f"ledger: not measured, no PostgreSQL database ({refused})")
        section.tables.append(Table("Not measured", ["reason"], [[refused]]))
        return section
    try:
        measured = _measure(params, quick)
    finally:
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    section.tables.extend(tables(measured, section, quick))
    return section


def tables(measured: dict[str, Measured], section: Section, quick: bool) -> list[Table]:
    from benchmarks.ledger_report import tables as report

    return report(measured, section, quick)


def load_average() -> str:
    try:
        with open("/proc/loadavg") as figures:
            return " ".join(figures.read().split()[:3])
    except OSError:  # no /proc on this system
        return "unknown"


def _measure(params: dict[str, Any], quick: bool) -> dict[str, Measured]:
    timing = {"warmup": 1, "repeats": 3 if quick else 20}
    export = {"warmup": 0 if quick else 1, "repeats": 2 if quick else 3}
    progress(f"[ledger] load average before: {load_average()}")
    return {
        "load": run_worker(FAMILY, "load", "ours", {**params, "warmup": 0, "repeats": 1}),
        "statement": run_worker(FAMILY, "statement", "ours", timing),
        "beancount": run_worker(FAMILY, "export", "beancount", export),
        "csv": run_worker(FAMILY, "export", "csv", export),
        "view": run_worker(FAMILY, "export", "view", timing),
    }
