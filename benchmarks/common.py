"""Shared pieces of the benchmark harness: tables, timing, fresh-process workers, formatting.

A benchmark family is a module (see `benchmarks.registry`) that exposes

* `TITLE` and `INTRO`: the heading and the paragraph of its section in docs/benchmarks.md;
* `CASES`: case name -> function `(side, params) -> Prepared`, run inside a fresh worker
  process (`python -m benchmarks.worker`) so that its peak memory is its own;
* `run(profile) -> Section`: drives the workers and turns their measurements into tables.
"""

from __future__ import annotations

import gc
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Profile:
    """How hard to push: `quick` is a smoke test (small sizes, few repeats)."""

    quick: bool = False


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([str(c) for c in cells])


@dataclass
class Section:
    key: str
    title: str
    intro: str
    tables: list[Table] = field(default_factory=list)
    #: One line per missed target, repeated in the summary at the top of the document.
    misses: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    """A case made ready inside a worker: inputs built, the solve calls not yet run.

    Each job is timed separately (warm-up runs first, then `repeats` timed runs); `summarise`
    receives the last result of every job and returns JSON-able data for the runner.
    """

    jobs: list[Callable[[], Any]]
    summarise: Callable[[list[Any]], dict[str, Any]]
    repeats: int = 3
    warmup: int = 0
    #: Seconds spent building the inputs the solver needs (the peer's Game, say), if timed.
    build_seconds: float | None = None


# --- inside the worker -------------------------------------------------------------------------


def _status_mib(field: str) -> float | None:
    """A `Vm...` line of /proc/self/status in MiB (None without /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:  # no /proc on this system
        ...
    return None


def ru_maxrss_mib() -> float:
    """ru_maxrss in MiB (KiB on Linux). Beware: a child started by vfork + exec (as subprocess
    does) inherits its parent's high-water mark in ru_maxrss, so it is only an upper bound."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib() -> float:
    """Peak resident memory of this process's own address space (VmHWM), else ru_maxrss."""
    peak = _status_mib("VmHWM")
    return ru_maxrss_mib() if peak is None else peak


def reset_peak_rss() -> bool:
    """Reset the kernel's RSS high-water mark (VmHWM; Linux >= 4.0), so that the next reading
    covers only what follows. False when the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def execute(prepared: Prepared) -> dict[str, Any]:
    """Run a prepared case: time every job and measure peak memory."""
    gc.collect()
    startup_peak = peak_rss_mib()  # interpreter, imports, inputs
    inputs_rss = _status_mib("VmRSS")
    reset = reset_peak_rss()
    times: list[list[float]] = []
    results: list[Any] = []
    for job in prepared.jobs:
        for _ in range(prepared.warmup):
            job()
        runs = []
        result = None
        for _ in range(prepared.repeats):
            start = time.perf_counter()
            result = job()
            runs.append(time.perf_counter() - start)
        times.append(runs)
        results.append(result)
    solve_peak = peak_rss_mib()
    return {
        "times": times,
        "build_seconds": prepared.build_seconds,
        "summary": prepared.summarise(results),
        "peak_rss_mib": max(startup_peak, solve_peak),
        "inputs_rss_mib": inputs_rss,
        "solve_peak_rss_mib": solve_peak if reset else None,
        "ru_maxrss_mib": ru_maxrss_mib(),
    }


# --- in the runner -----------------------------------------------------------------------------


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Measured:
    """What a worker reports: per-job timings, a case summary, and memory figures."""

    times: list[list[float]]
    build_seconds: float | None
    summary: dict[str, Any]
    peak_rss_mib: float
    inputs_rss_mib: float | None
    solve_peak_rss_mib: float | None
    ru_maxrss_mib: float
    wall_seconds: float

    @property
    def median(self) -> float:
        """Median over every timed run of every job."""
        return statistics.median(t for runs in self.times for t in runs)

    @property
    def runs(self) -> int:
        return sum(len(runs) for runs in self.times)


def run_worker(family: str, case: str, side: str, params: dict[str, Any]) -> Measured:
    """Run one case on one side in a fresh interpreter and return its measurements."""
    label = " ".join(f"{k}={v}" for k, v in params.items())
    progress(f"  [{family}] {case} {side} {label} ...")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", family, case, side, json.dumps(params)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"worker {family}/{case}/{side} {label} failed ({done.returncode})")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    measured = Measured(wall_seconds=wall, **data)
    progress(
        f"    median {format_seconds(measured.median)} over {measured.runs} runs, "
        f"peak {measured.peak_rss_mib:.0f} MiB, worker {wall:.1f} s"
    )
    return measured


# --- formatting --------------------------------------------------------------------------------


def format_seconds(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_ratio(ours: float, peer: float) -> str:
    return f"{ours / peer:.2f}" if peer > 0 else "–"


def format_mib(mib: float | None) -> str:
    return "–" if mib is None else f"{mib:.0f}"


def format_error(value: float) -> str:
    return f"{value:.1e}"


def verdict(ok: bool, what: str) -> str:
    return f"{'pass' if ok else '**FAIL**'} ({what})"


def render_table(table: Table) -> str:
    lines = [f"### {table.title}", ""]
    lines.append("| " + " | ".join(table.columns) + " |")
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in table.rows)
    if table.notes:
        lines.append("")
        lines.extend(table.notes)
    return "\n".join(lines)


def render_section(section: Section) -> str:
    parts = [f"## {section.title}", section.intro.strip()]
    parts.extend(render_table(t) for t in section.tables)
    return "\n\n".join(parts)


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)
