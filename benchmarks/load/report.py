"""The "Web under load" section of docs/benchmarks.md: locust's CSV statistics and the run's
facts turned into one block per network size, each replaced in place (between HTML comment
markers) so that a run at one size leaves the other's figures as they were. `make bench`
rewrites the rest of the document and keeps this section as it is (`keep_section`)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import Table, render_table
from benchmarks.load.mix import ENDPOINTS

HEADING = "## Web under load"
#: the goal, in milliseconds: at most this p95 and p99 for every page and API read, no error
GOALS: dict[int, tuple[float, float | None]] = {10_000: (100, 300), 100_000: (250, None)}

INTRO = """
The platform served for real (`coopnet serve`: gunicorn, on PostgreSQL) to 200 signed-in
members at once, by `make load` (`.venv/bin/python -m benchmarks.load`). Each size has its own
database (`coopnet_load_<people>`): the network of the platform section
(`generate_network(people, organisations=1000, seed=1)`, bulk-loaded by
`benchmarks.network_db`), 240 accounts in 80 organisations (an admin and two members each; every
tenth account is also one of its organisation's people), and 80 opportunities shared through an
open proposal among three of those organisations, so that every member sees three and their
skills are the network's demand (`benchmarks.load.data`). The database is reused while it holds
the same load (`--fresh` loads it again). Locust (FastHttpUser, headless, on 127.0.0.1) starts
the users; each signs in once through the sign-in form, then browses with 0.5–2 s of thought
between pages (`benchmarks.load.mix`: directory searches by skill and by name, organisation
profiles, the opportunities list and an opportunity it may see, the skills map, the shared
services and a service, the people API). Every answer must be 200 and carry its page's marker, or
it counts as a failure. Sign-in hashes the password slowly on purpose, so the statistics are
reset once every user has signed in and only the next minute is measured; sign-in is reported
apart and is not part of the goal. The server's shared cache is the machine's Redis
(`--cache-url`), as for a deployment of several web processes: sessions are read from it, and
the pages' parts kept until the next change (`coopnet.common.derived`) are shared through it.
Nothing is written during the measured minute, so a part is computed on its first read only;
the searches, profiles and opportunities drawn are many (155 skills at four levels, 1,000
organisations), so a fair share of the reads in the minute are first reads. Locust, the
server, PostgreSQL and Redis share the machine's cores.

Goal (issue 12): at 10,000 people, p95 ≤ 100 ms and p99 ≤ 300 ms for every page and API read,
and no failure; at 100,000 people, p95 ≤ 250 ms.
"""


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # "N/A" when there were no requests
        return None


def read_stats(path: Path) -> dict[str, Row]:
    """locust's `<prefix>_stats.csv`: one row per request name, and "Aggregated"."""
    rows = {}
    with path.open(newline="") as stats:
        for line in csv.DictReader(stats):
            rows[line["Name"]] = Row(
                name=line["Name"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                rps=float(line["Requests/s"]),
                p50=_number(line["50%"]),
                p95=_number(line["95%"]),
                p99=_number(line["99%"]),
                max=_number(line["Max Response Time"]),
            )
    return rows


def read_failures(path: Path) -> list[tuple[str, str, int]]:
    """locust's `<prefix>_failures.csv`: (name, error, occurrences), most frequent first."""
    if not path.exists():
        return []
    with path.open(newline="") as failures:
        found = [
            (line["Name"], line["Error"], int(line["Occurrences"]))
            for line in csv.DictReader(failures)
        ]
    return sorted(found, key=lambda f: -f[2])


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms"


def goal_of(people: int) -> tuple[float, float | None]:
    """The goal at this size: the 10,000-person goal below 100,000, the larger one from it."""
    return GOALS[100_000] if people >= 100_000 else GOALS[10_000]


def _verdict(row: Row, people: int) -> tuple[bool, str]:
    p95_goal, p99_goal = goal_of(people)
    wrong = []
    if row.requests == 0:
        wrong.append("no requests")
    if row.p95 is None or row.p95 > p95_goal:
        wrong.append("p95")
    if p99_goal is not None and (row.p99 is None or row.p99 > p99_goal):
        wrong.append("p99")
    if row.failures:
        wrong.append("failures")
    return (not wrong), ("pass" if not wrong else f"**miss** ({', '.join(wrong)})")


def goal_words(people: int) -> str:
    p95_goal, p99_goal = goal_of(people)
    words = f"p95 ≤ {p95_goal:g} ms"
    if p99_goal is not None:
        words += f", p99 ≤ {p99_goal:g} ms"
    return words + ", no failure"


def _used(side: dict[str, Any], key: str) -> float:
    """CPU seconds over the window: each process's figure at the end less at the start."""
    start, end = side["before"][key], side["after"][key]
    return float(sum(seconds - start.get(process, 0.0) for process, seconds in end.items()))


def _cpu(side: dict[str, Any], cores: int, requests: int) -> str:
    before, after = side.get("before"), side.get("after")
    if not before or not after:
        return "not measured"
    wall = after["wall"] - before["wall"]

    def share(key: str) -> float:
        return 100 * _used(side, key) / wall

    total = after["machine_total"] - before["machine_total"]
    busy = 100 * cores * (after["machine_busy"] - before["machine_busy"]) / total if total else 0
    ours = share("locust") + share("server") + share("postgres")
    return (
        f"locust {share('locust'):.0f}% of a core, the server (gunicorn's master and workers) "
        f"{share('server'):.0f}%, PostgreSQL (its processes, every database's) "
        f"{share('postgres'):.0f}%; the whole machine {busy:.0f}% of {cores} cores, so "
        f"{max(0.0, busy - ours):.0f}% was other work (other programs on the machine, and "
        "connections that ended within the window)"
        + (
            f"; per request answered, {1000 * _used(side, 'server') / requests:.0f} ms of the "
            f"server's CPU and {1000 * _used(side, 'postgres') / requests:.0f} ms of "
            "PostgreSQL's"
            if requests
            else ""
        )
    )


def block(people: int, facts: dict[str, Any]) -> str:
    """The size's block: its facts, the table per endpoint, sign-in, failures, pages alone."""
    stats: dict[str, Row] = facts["stats"]
    side: dict[str, Any] = facts["side"]
    loaded: dict[str, Any] = facts["loaded"]
    counts = loaded["counts"]
    users = facts["users"]
    lines = [
        f"<!-- load:{people} -->",
        f"### {people:,} people in {counts['organisations']:,} organisations, {users} users",
        "",
    ]
    if loaded["reused"]:
        load_words = (
            f"reused (loaded {loaded.get('loaded')}: migrations {loaded.get('migrate_seconds')} s, "
            f"bulk load {loaded.get('load_seconds')} s)"
        )
    else:
        load_words = (
            f"loaded for this run: migrations {loaded['migrate_seconds']} s, bulk load "
            f"{loaded['load_seconds']} s"
        )
    answered = stats["Aggregated"].requests if "Aggregated" in stats else 0
    facts_list = [
        f"Date: {facts['date']} (run took {facts['seconds']:.0f} s)",
        f"Command: `{facts['command']}`",
        f"Machine: {facts['machine']}",
        f"Load average (1 / 5 / 15 min): {side.get('load_average_start', '?')} when the "
        f"measurement started, {side.get('load_average_end', '?')} at its end",
        f"Server: `{facts['serve_command']}` ({facts['server_config']})",
        f"Locust {facts['locust_version']}: `{facts['locust_command']}`; FastHttpUser, think time "
        f"0.5–2 s; {side.get('users', '?')} users signed in over "
        f"{side.get('signing_in_seconds', 0):.0f} s, then measured for {facts['measure']:g} s",
        f"Database: `{loaded['database']}`, PostgreSQL {facts['postgres_version']}, "
        f"{loaded['database_bytes'] / 2**20:.0f} MiB; {counts['organisations']:,} organisations, "
        f"{counts['people']:,} people, {counts['person_skills']:,} skill levels, "
        f"{counts['users']:,} accounts, {counts['opportunities']} opportunities "
        f"({counts['requirements']:,} requirements), {counts['enrolments']} enrolments; "
        f"{load_words}",
        f"CPU over the measured window: {_cpu(side, facts['cores'], answered)}",
    ]
    lines.extend(f"- {item}" for item in facts_list)
    lines.append("")

    p95_goal = goal_of(people)[0]
    table = Table(
        f"Per endpoint, {people:,} people (goal: {goal_words(people)})",
        ["endpoint", "address", "requests", "req/s", "p50", "p95", "p99", "max", "failures",
         "goal"],
    )  # fmt: skip
    missed = []
    for endpoint in ENDPOINTS:
        row = stats.get(endpoint.name) or Row(endpoint.name, 0, 0, 0.0, None, None, None, None)
        ok, verdict = _verdict(row, people)
        if not ok:
            missed.append(endpoint.name)
        table.add(
            endpoint.name,
            f"`{endpoint.example}`",
            f"{row.requests:,}",
            f"{row.rps:.1f}",
            ms(row.p50),
            ms(row.p95),
            ms(row.p99),
            ms(row.max),
            f"{row.failures:,}",
            verdict,
        )
    total = stats.get("Aggregated")
    if total is not None:
        table.add(
            "**all**",
            "",
            f"{total.requests:,}",
            f"{total.rps:.1f}",
            ms(total.p50),
            ms(total.p95),
            ms(total.p99),
            ms(total.max),
            f"{total.failures:,}",
            _verdict(total, people)[1],
        )
    summary = (
        "Goal met by every endpoint."
        if not missed
        else f"Goal **missed** by {len(missed)} of {len(ENDPOINTS)} endpoints: "
        + ", ".join(missed)
        + "."
    )
    sign_in = side.get("sign_in") or {}
    table.notes.append(
        f"{summary} Response times in milliseconds as locust reports them (its percentiles "
        "round to two significant figures above 100 ms); *req/s* over the measured window. "
        f"Sign-in, before the window and outside the goal: {sign_in.get('requests', 0)} "
        f"sign-ins, p50 {ms(sign_in.get('p50'))}, p95 {ms(sign_in.get('p95'))}, max "
        f"{ms(sign_in.get('max'))}, {sign_in.get('failures', 0)} failed."
    )
    if total is not None and total.rps > 0:
        wanted = users / (1.25 + p95_goal / 1000)
        table.notes.append(
            f"The server answered {total.rps:.1f} requests a second. {users} users who think "
            f"1.25 s on average between pages ask for about {wanted:.0f} a second when each "
            "page takes what the goal allows; below that, requests wait in the server's queue "
            "and every page takes about as long as the queue is. Requests still waiting when "
            "the window ends are not counted, so times near its length are understated."
        )
    failures = facts["failures"]
    if failures:
        shown = "; ".join(f"{name}: {error} (×{count:,})" for name, error, count in failures[:5])
        table.notes.append(f"Failures, most frequent first: {shown}.")
    table.notes[:] = [line for note in table.notes for line in ("", note)][1:]
    lines.append(render_table(table))

    alone: list[dict[str, Any]] = facts.get("alone") or []
    if alone:
        quiet = Table(
            f"Each page alone, {people:,} people (one user, before the load)",
            ["endpoint", "median", "fastest", "slowest", "runs", "size"],
        )
        for page in alone:
            quiet.add(
                page["name"],
                ms(page["median"]),
                ms(page["min"]),
                ms(page["max"]),
                page["runs"],
                f"{page['bytes'] / 1024:.0f} KiB",
            )
        quiet.notes.append(
            "Before the load, one signed-in account asks for each endpoint in turn (one "
            "untimed request first, then the timed ones, on the same addresses the load draws "
            "from); wall-clock time as the client sees it, over loopback."
        )
        lines.extend(["", render_table(quiet)])
    lines.append(f"<!-- /load:{people} -->")
    return "\n".join(lines)


_BLOCK = re.compile(r"<!-- load:(\d+) -->\n.*?<!-- /load:\1 -->", re.S)


def _split_section(document: str) -> tuple[str, str | None, str]:
    """(before, the section or None, after)."""
    start = document.find("\n" + HEADING + "\n")
    if start < 0:
        return document, None, ""
    start += 1
    following = document.find("\n## ", start + len(HEADING))
    end = len(document) if following < 0 else following + 1
    return document[:start], document[start:end], document[end:]


def section(blocks: dict[int, str]) -> str:
    parts = [HEADING, INTRO.strip()]
    parts.extend(blocks[people] for people in sorted(blocks))
    return "\n\n".join(parts) + "\n"


def write(document: Path, people: int, text: str) -> None:
    """Put the size's block into the document's section, replacing that size's old block."""
    old = document.read_text() if document.exists() else ""
    before, current, after = _split_section(old)
    blocks = {int(m.group(1)): m.group(0) for m in _BLOCK.finditer(current or "")}
    blocks[people] = text
    if current is None:
        before = before.rstrip("\n") + "\n\n" if before else ""
    document.write_text(before + section(blocks) + ("\n" + after if after else ""))


def keep_section(new_document: str, old_document: str) -> str:
    """`make bench` writes the document afresh: keep the old one's "Web under load" section
    (at the end) as it was, since only `make load` measures it."""
    _, kept, _ = _split_section(old_document)
    if kept is None:
        return new_document
    return new_document.rstrip("\n") + "\n\n" + kept.rstrip("\n") + "\n"


def render_saved(path: Path) -> str:
    """A size's block again from the facts a run saved (`facts-<people>.json` in its work
    directory), e.g. after the report's wording changed."""
    import json

    facts = json.loads(path.read_text())
    facts["stats"] = {name: Row(**row) for name, row in facts["stats"].items()}
    facts["failures"] = [tuple(f) for f in facts["failures"]]
    return block(int(facts["people"]), facts)


if __name__ == "__main__":  # python -m benchmarks.load.report <facts.json> [document]
    import sys

    saved = Path(sys.argv[1])
    text = render_saved(saved)
    people = int(re.search(r"load:(\d+)", text).group(1))  # type: ignore[union-attr]
    if len(sys.argv) > 2:
        write(Path(sys.argv[2]), people, text)
    else:
        print(text)
