"""The ledger section's tables, from the workers' measurements (benchmarks.ledger)."""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.common import Measured, Section, Table, format_mib, format_seconds, verdict


def _target(seconds: float, target: float, section: Section, what: str, quick: bool) -> str:
    ok = seconds < target
    if not ok and not quick:
        section.misses.append(
            f"ledger: {what} took {format_seconds(seconds)} (target < {target:g} s)"
        )
    return verdict(ok, f"< {format_seconds(target)}")


def _median(measured: Measured, job: int) -> float:
    return statistics.median(measured.times[job])


def tables(measured: dict[str, Measured], section: Section, quick: bool) -> list[Table]:
    from benchmarks.ledger import EXPORT_TARGET, STATEMENT_TARGET, load_average

    load = measured["load"].summary
    statement = measured["statement"]
    chosen = statement.summary
    table = Table(
        f"{load['posting_rows']:,} postings, {load['entry_rows']:,} entries, "
        f"{load['organisations']:,} organisations",
        ["operation", "median", "runs", "worker CPU", "peak MiB", "target"],
    )
    for job, who in ((0, "busiest"), (1, "median")):
        table.add(
            f"statement of the {who} organisation ({chosen[f'{who}_postings']:,} postings): "
            "`selectors.statement()`",
            format_seconds(_median(statement, job)),
            len(statement.times[job]),
            "–",
            format_mib(statement.peak_rss_mib),
            _target(_median(statement, job), STATEMENT_TARGET, section,
                    f"the {who} organisation's statement", quick),
        )  # fmt: skip
    rows: list[tuple[str, str, float | None]] = [
        ("beancount", "the network's books as Beancount, to /dev/null", EXPORT_TARGET),
        ("csv", "the network's books as CSV, to /dev/null", None),
        ("view", "the busiest organisation's view as Beancount, to /dev/null", None),
    ]
    for key, label, target in rows:
        found = measured[key]
        result: dict[str, Any] = found.summary
        table.add(
            f"{label} ({result['lines']:,} lines, {result['characters'] / 1e6:.0f} MB)",
            format_seconds(found.median),
            found.runs,
            format_seconds(result["cpu"]),
            format_mib(found.peak_rss_mib),
            _target(found.median, target, section, label, quick) if target else "–",
        )
    table.notes.extend(_notes(load, statement, measured, load_average()))
    return [table, _load_table(load)]


def _notes(
    load: dict[str, Any], statement: Measured, measured: dict[str, Measured], after: str
) -> list[str]:
    return [
        "*Median*: wall-clock time of the timed runs (after one warm-up run) in a fresh worker; "
        "*worker CPU*: the CPU time the worker process itself spent on the last run (the rest "
        "of the wall-clock time is the database's work, and waiting for a core). The statement "
        "is the page's: the organisation's totals and its latest 200 lines with the running "
        "balance; the exports stream (`coopnet.books.exports`), whatever the size, in the "
        f"worker's peak memory shown. Load average (1, 5, 15 min) at the end: {after}.",
        "",
        f"Ledger: {load['first_day']} to {load['last_day']}, {load['contracts']:,} contracts, "
        f"{load['invoice_rows']:,} invoices, {load['payment_rows']:,} payments, "
        f"{load['run_rows']:,} payout runs paying {load['payout_rows']:,} payouts; the "
        "statements' balances and line counts: "
        f"{', '.join(statement.summary['balances'])} and "
        f"{', '.join(map(str, statement.summary['lines']))}.",
    ]


def _load_table(load: dict[str, Any]) -> Table:
    table = Table(
        "Loading the ledger (not timed against any target)",
        ["migrate", "generate", "COPY", "balance check + commit", "VACUUM ANALYZE"],
        notes=[
            "One worker migrates the new database and loads it once for the whole run: the "
            "rows are generated in Python, written with `COPY` in one transaction, every "
            "entry's balance checked in one query before it commits (migration 0002's rule; "
            "its per-row triggers are off for the load), then the tables vacuumed and analysed."
        ],
    )
    table.add(
        format_seconds(load["migrate_seconds"]),
        format_seconds(load["generate_seconds"]),
        format_seconds(load["copy_seconds"]),
        format_seconds(load["check_and_commit_seconds"]),
        format_seconds(load["vacuum_analyse_seconds"]),
    )
    return table
