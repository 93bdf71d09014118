"""The members of the network, for locust (run by `python -m benchmarks.load`, which sets the
environment this reads; not meant to be run by hand).

Each simulated user takes the next of the plan's accounts, signs in once through the real
sign-in form (with its CSRF token), then browses the mix of `benchmarks.load.mix` with 0.5–2 s
of thought between pages. Sign-in hashes the password on purpose slowly, so the measurement
starts only when every user has tried to sign in: then the statistics are reset (the sign-in
figures are kept aside first), and after `COOPNET_LOAD_MEASURE` seconds the users stop and
locust quits. CPU use of locust, the server's processes and PostgreSQL over the measured
window is written beside the statistics.

Environment: COOPNET_LOAD_PLAN (the plan's JSON), COOPNET_LOAD_MEASURE (seconds),
COOPNET_LOAD_SIDE (where to write the sign-in figures and CPU use), COOPNET_LOAD_SERVER_PID
(the `coopnet serve` process).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import gevent
import psutil
from locust import FastHttpUser, between
from locust.env import Environment

from benchmarks.load.mix import ENDPOINTS, LOGIN_PATH, SIGN_IN, Endpoint

PLAN: dict[str, Any] = json.loads(Path(os.environ["COOPNET_LOAD_PLAN"]).read_text())
MEASURE = float(os.environ.get("COOPNET_LOAD_MEASURE", "60"))
SIDE = Path(os.environ["COOPNET_LOAD_SIDE"])
SERVER_PID = int(os.environ["COOPNET_LOAD_SERVER_PID"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_accounts = itertools.count()
_tried = 0
_side: dict[str, Any] = {}


def _cpu_seconds(processes: list[psutil.Process]) -> dict[str, float]:
    """CPU seconds (user + system) of each process, by pid and start time: over a window, a
    process's use is its figure at the end less its figure at the start (0 if it started
    since); one that ended within the window is missed."""
    found = {}
    for process in processes:
        try:
            with process.oneshot():
                times = process.cpu_times()
                key = f"{process.pid}:{process.create_time()}"
        except psutil.Error:  # gone meanwhile
            continue
        found[key] = times.user + times.system
    return found


def _server() -> list[psutil.Process]:
    try:
        root = psutil.Process(SERVER_PID)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _postgres() -> list[psutil.Process]:
    return [
        p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")
    ]


def _snapshot() -> dict[str, float]:
    machine = psutil.cpu_times()
    return {
        "wall": time.monotonic(),
        "locust": _cpu_seconds([psutil.Process()]),
        "server": _cpu_seconds(_server()),
        "postgres": _cpu_seconds(_postgres()),
        "machine_busy": machine.user + machine.system + machine.nice + machine.irq
        + machine.softirq + getattr(machine, "steal", 0.0),
        "machine_total": sum(machine),
    }  # fmt: skip


def _load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _entry(environment: Environment, name: str, method: str) -> dict[str, Any]:
    entry = environment.stats.get(name, method)
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "max": entry.max_response_time,
    }


def _start_measuring(environment: Environment) -> None:
    """Everyone has tried to sign in: keep the sign-in figures, reset, measure for MEASURE s."""
    _side["sign_in"] = _entry(environment, SIGN_IN, "POST")
    _side["signing_in_seconds"] = time.monotonic() - _side["started"]
    _side["users"] = _tried
    _side["errors_before"] = {
        f"{e.method} {e.name}: {e.error}": e.occurrences for e in environment.stats.errors.values()
    }
    assert environment.runner is not None
    environment.runner.stats.reset_all()
    _side["before"] = _snapshot()
    _side["load_average_start"] = _load_average()
    gevent.spawn_later(MEASURE, _finish, environment)


def _finish(environment: Environment) -> None:
    runner = environment.runner
    assert runner is not None
    _side["after"] = _snapshot()
    _side["load_average_end"] = _load_average()
    runner.stop()
    SIDE.write_text(json.dumps(_side, indent=1))
    gevent.sleep(2.5)  # the CSV writer's last pass (every second)
    runner.quit()


def _visitor(endpoint: Endpoint) -> Any:
    def visit(user: Member) -> None:
        user.visit(endpoint)

    visit.__name__ = endpoint.name.replace(" ", "_")
    return visit


class Member(FastHttpUser):
    tasks = {_visitor(endpoint): endpoint.weight for endpoint in ENDPOINTS}
    wait_time = between(0.5, 2)
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self) -> None:
        global _tried
        _side.setdefault("started", time.monotonic())
        self.account = PLAN["accounts"][next(_accounts) % len(PLAN["accounts"])]
        self.rnd = random.Random()
        try:
            self._sign_in()
        finally:
            _tried += 1
            if _tried == self.environment.parsed_options.num_users:
                _start_measuring(self.environment)

    def _sign_in(self) -> None:
        with self.client.get(LOGIN_PATH, name="sign-in form", catch_response=True) as page:
            found = CSRF.search(page.text or "")
            if page.status_code != 200 or found is None:
                page.failure(f"no sign-in form (status {page.status_code})")
                return
        form = {
            "username": self.account["username"],
            "password": PLAN["password"],
            "csrfmiddlewaretoken": found.group(1),
        }
        with self.client.post(LOGIN_PATH, data=form, name=SIGN_IN, catch_response=True) as answer:
            if answer.status_code != 200 or LOGIN_PATH in (answer.url or ""):
                answer.failure(f"not signed in (status {answer.status_code}, at {answer.url})")

    def visit(self, endpoint: Endpoint) -> None:
        path = endpoint.path(PLAN, self.account, self.rnd)
        with self.client.get(path, name=endpoint.name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
            elif LOGIN_PATH in (answer.url or ""):
                answer.failure("signed out")
            elif (wrong := endpoint.check(answer.text or "", path)) is not None:
                answer.failure(wrong)
