"""Entry point of `make load`: the web platform under load, written into docs/benchmarks.md.

    python -m benchmarks.load                             # 10,000 people, 200 users, 60 s
    python -m benchmarks.load --people 10000 100000       # both sizes, one after the other
    python -m benchmarks.load --serve-args="--workers 3"  # passed on to `coopnet serve`
    python -m benchmarks.load --fresh                     # load the databases again
    python -m benchmarks.load --cache-url none            # no shared cache (Redis by default)
    python -m benchmarks.load --no-write                  # print the section instead

For each size: the database is made ready (`benchmarks.load.data`, in its own process), the
real `coopnet serve` is started on 127.0.0.1 and a free port, each page is timed alone, locust
runs the mix headless (bounded: the users, the time to sign in, the measured seconds), and the
size's block of the "Web under load" section is written. The server and locust run in their
own process groups and are stopped whatever happens (an error, Ctrl-C, SIGTERM). Progress goes
to stderr. PostgreSQL must answer on 127.0.0.1:5432 (trust auth, user postgres), and Redis at
--cache-url (unless it is "none").
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, progress
from benchmarks.load import data, report
from benchmarks.load.mix import ENDPOINTS, LOGIN_PATH
from benchmarks.load.server import Server, stop_group
from benchmarks.run import DOC, _cpu_model, _ram_gib

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
ALONE_RUNS = 5


def _interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _machine() -> str:
    return (
        f"{_cpu_model()}, {os.cpu_count()} logical cores, {_ram_gib()} RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _postgres_version() -> str:
    import psycopg

    with psycopg.connect(data.ADMIN_URL, autocommit=True) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "?"


def _prepare(people: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    output = work / f"prepared-{people}.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.load.data",
        "--people",
        str(people),
        "--organisations",
        str(args.organisations),
        "--data-dir",
        str(work),
        "--output",
        str(output),
    ]
    if args.fresh:
        command.append("--fresh")
    subprocess.run(command, cwd=ROOT, check=True)
    prepared: dict[str, Any] = json.loads(output.read_text())
    return prepared


def _server_config(log: Path, serve_args: list[str]) -> str:
    """What gunicorn says it runs: its worker class and how many workers it booted."""
    text = log.read_text(errors="replace")
    kind = re.search(r"Using worker: (\S+)", text)
    booted = len(re.findall(r"Booting worker with pid", text))
    words = f"gunicorn, {booted} worker process(es) booted"
    if kind:
        words += f", worker class {kind.group(1)}"
    return words + (f"; serve arguments {shlex.join(serve_args)}" if serve_args else "")


def _alone(url: str, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Each endpoint timed alone, by one signed-in account, on an otherwise idle server."""
    import random

    import requests

    session = requests.Session()
    page = session.get(url + LOGIN_PATH, timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    account = plan["accounts"][0]
    form = {
        "username": account["username"],
        "password": plan["password"],
        "csrfmiddlewaretoken": token.group(1),
    }
    signed = session.post(url + LOGIN_PATH, data=form, timeout=60)
    if LOGIN_PATH in signed.url:
        raise RuntimeError(f"{account['username']} could not sign in")
    rnd = random.Random(1)
    found = []
    for endpoint in ENDPOINTS:
        paths = [endpoint.path(plan, account, rnd) for _ in range(ALONE_RUNS)]
        session.get(url + paths[0], timeout=120)  # untimed: caches, connections
        times, size = [], 0
        for path in paths:
            start = time.perf_counter()
            answer = session.get(url + path, timeout=120)
            times.append((time.perf_counter() - start) * 1000)
            wrong = endpoint.check(answer.text, path) if answer.status_code == 200 else "status"
            if wrong is not None:
                raise RuntimeError(f"{endpoint.name} {path}: {answer.status_code} {wrong}")
            size = max(size, len(answer.content))
        found.append(
            {
                "name": endpoint.name,
                "median": statistics.median(times),
                "min": min(times),
                "max": max(times),
                "runs": len(times),
                "bytes": size,
            }
        )
        progress(f"  alone: {endpoint.name} median {statistics.median(times):.0f} ms")
    return found


def _locust(
    server: Server, plan_path: Path, args: argparse.Namespace, work: Path, people: int
) -> tuple[list[str], Path, Path]:
    prefix = work / f"locust-{people}"
    side = work / f"side-{people}.json"
    bound = args.sign_in_seconds + args.measure + 30
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        server.url,
        "--users",
        str(args.users),
        "--spawn-rate",
        f"{args.spawn_rate:g}",
        "--run-time",
        f"{bound:.0f}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COOPNET_LOAD_PLAN": str(plan_path),
        "COOPNET_LOAD_MEASURE": f"{args.measure:g}",
        "COOPNET_LOAD_SIDE": str(side),
        "COOPNET_LOAD_SERVER_PID": str(server.process.pid if server.process else 0),
    }
    progress(
        f"[locust] {args.users} users at {args.spawn_rate:g}/s, measured {args.measure:g} s "
        f"after the last sign-in (at most {bound:.0f} s in all)"
    )
    with (work / f"locust-{people}.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(timeout=bound + 60)
        except subprocess.TimeoutExpired:
            progress("  locust overran its bound: stopping it")
        finally:
            stop_group(process, "locust")
    if not side.exists():
        tail = (work / f"locust-{people}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(
            f"the measurement did not start: not every user had signed in within "
            f"{args.sign_in_seconds:g} s (see {work}/locust-{people}.log)\n{tail}"
        )
    shown = ["locust", *(shlex.quote(c) for c in command[1:])]
    shown[2] = "benchmarks/load/locustfile.py"
    shown[5] = "http://127.0.0.1:<port>"
    shown[shown.index("--csv") + 1] = "<dir>/locust"
    return shown, prefix, side


def _shared_cache(url: str, people: int) -> dict[str, str]:
    """The server's shared-cache settings: Redis at `url` (checked now, so that a missing Redis
    is said in one line before anything starts), under a prefix of this run's own; none for
    "none"."""
    if url.lower() == "none":
        return {}
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, ValueError) as error:
        raise SystemExit(
            f"no Redis answers at --cache-url {url} ({error}); start it, or pass "
            "--cache-url none to serve without a shared cache"
        ) from None
    return {
        "COOPNET_CACHE_URL": url,
        "COOPNET_CACHE_PREFIX": f"coopnet-load-{people}-{os.getpid()}",
    }


def _forget_cache(cache: dict[str, str]) -> None:
    """Delete the run's keys (its sessions and kept views) from the shared cache."""
    if not cache:
        return
    import redis

    client = redis.Redis.from_url(cache["COOPNET_CACHE_URL"], socket_connect_timeout=2)
    try:
        for key in client.scan_iter(f"{cache['COOPNET_CACHE_PREFIX']}:*", count=1000):
            client.delete(key)
    except redis.RedisError as error:
        progress(f"  could not delete the run's keys from the cache: {error}")
    finally:
        client.close()


def run_size(people: int, args: argparse.Namespace, command: str) -> None:
    if not Path(sys.executable).with_name("locust").exists():
        raise SystemExit(
            "locust is not installed in this environment: `make load` installs it "
            "(pip install -e '.[load]')"
        )
    started = dt.datetime.now(dt.UTC).astimezone()
    clock = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f"coopnet-load-{people}-"))
    progress(f"== web under load: {people:,} people (work files in {work})")
    loaded = _prepare(people, args, work)
    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(loaded["plan"]))
    serve_args = shlex.split(args.serve_args)
    cache = _shared_cache(args.cache_url, people)
    try:
        with Server(
            data.database_url(people), work, serve_args, work / "server.log", cache
        ) as server:
            config = _server_config(work / "server.log", serve_args)
            progress(f"  {config}")
            alone = _alone(server.url, loaded["plan"]) if args.alone else []
            locust_command, prefix, side_path = _locust(server, plan_path, args, work, people)
            serve_command = server.shown_command
    finally:
        _forget_cache(cache)
    side = json.loads(side_path.read_text())
    stats = report.read_stats(Path(f"{prefix}_stats.csv"))
    facts = {
        "people": people,
        "date": started.strftime("%Y-%m-%d %H:%M %Z").strip(),
        "seconds": time.perf_counter() - clock,
        "command": command,
        "machine": _machine(),
        "cores": os.cpu_count() or 1,
        "serve_command": serve_command,
        "server_config": config,
        "locust_version": metadata.version("locust"),
        "locust_command": " ".join(locust_command),
        "measure": args.measure,
        "users": args.users,
        "postgres_version": _postgres_version(),
        "loaded": {k: v for k, v in loaded.items() if k != "plan"},
        "stats": stats,
        "failures": report.read_failures(Path(f"{prefix}_failures.csv")),
        "side": side,
        "alone": alone,
    }
    record = {**facts, "stats": {k: dataclasses.asdict(v) for k, v in stats.items()}}
    (work / f"facts-{people}.json").write_text(json.dumps(record, indent=1))
    text = report.block(people, facts)
    if args.no_write:
        print(text)
    else:
        report.write(args.output, people, text)
        progress(f"  wrote the {people:,}-people block of {args.output}")
    total = stats.get("Aggregated")
    if total is not None:
        progress(
            f"  all: {total.requests:,} requests, {total.rps:.1f}/s, p50 {report.ms(total.p50)}, "
            f"p95 {report.ms(total.p95)}, p99 {report.ms(total.p99)}, {total.failures} failures"
        )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--people", type=int, nargs="+", default=[10_000], help="sizes to run")
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument(
        "--measure", type=float, default=60, help="seconds measured after the last sign-in"
    )
    parser.add_argument(
        "--sign-in-seconds",
        type=float,
        default=600,
        help="at most this long for every user to sign in (default 600)",
    )
    parser.add_argument(
        "--serve-args",
        default=os.environ.get("COOPNET_LOAD_SERVE_ARGS", ""),
        help='extra arguments for `coopnet serve`, e.g. "--workers 3" '
        "(default: $COOPNET_LOAD_SERVE_ARGS)",
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("COOPNET_LOAD_CACHE_URL", "redis://127.0.0.1:6379/14"),
        help="the server's shared cache (COOPNET_CACHE_URL), a Redis on this machine; "
        '"none" for each worker\'s own memory (default: $COOPNET_LOAD_CACHE_URL or '
        "redis://127.0.0.1:6379/14)",
    )
    parser.add_argument("--fresh", action="store_true", help="load the databases again")
    parser.add_argument(
        "--no-alone", dest="alone", action="store_false", help="skip timing each page alone"
    )
    parser.add_argument("--no-write", action="store_true", help="print the blocks instead")
    parser.add_argument("--output", type=Path, default=DOC, help=f"default: {DOC}")
    args = parser.parse_args(argv)
    if args.users < 1 or args.measure <= 0 or args.spawn_rate <= 0:
        parser.error("--users, --measure and --spawn-rate must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    arguments = argv if argv is not None else sys.argv[1:]
    command = shlex.join([".venv/bin/python", "-m", "benchmarks.load", *arguments])
    # Ctrl-C and SIGTERM alike stop the server and locust (even where the shell that started
    # this ignored SIGINT, as a background job's does)
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    try:
        for people in args.people:
            run_size(people, args, command)
    except KeyboardInterrupt:
        progress("interrupted: the server and locust were stopped")
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as error:
        progress(f"load test failed: {error}")
        return 1
    return 0
