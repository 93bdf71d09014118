"""`coopnet serve` really serves: migrations, static files and gunicorn, on a free port; and
its workers hold under concurrent sign-ins, on SQLite and on PostgreSQL."""

import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

COOPNET = Path(sys.executable).with_name("coopnet")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@contextlib.contextmanager
def running_server(env, workers, log):
    """`coopnet serve` on a free port, its output in `log`; yields its base URL once it answers
    and stops it afterwards. It has two minutes to start: migrating a new database and
    collecting the static files take seconds alone, but far longer on a loaded two-core machine;
    the test is of serving, not of speed."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(COOPNET), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if fetch(f"{base}/api/openapi.json") == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        try:
            answered = fetch(f"{base}/api/openapi.json")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            answered = error
        assert answered == 200, Path(log).read_text()[-3000:]
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_serve_answers_on_its_port(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own SQLite file
    env["COOPNET_DATA_DIR"] = str(tmp_path)
    with running_server(env, workers=1, log=tmp_path / "serve.log") as base:
        assert fetch(f"{base}/api/people") == 401
        _static_files_cached_and_compressed(base)
    with contextlib.closing(sqlite3.connect(tmp_path / "coopnet.sqlite3")) as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # kept in the file


def _static_files_cached_and_compressed(base: str) -> None:
    """The pages name static files by a hash of their content, which are served compressed and
    cached for a year or more (a new release has new names)."""
    with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:
        page = response.read().decode()
    names = re.findall(r'(/static/coopnet\.[0-9a-f]{12}\.(?:css|js))"', page)
    assert len(names) == 2, page[:2000]
    for name in names:
        request = urllib.request.Request(base + name, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            control = response.headers["Cache-Control"]
            assert "immutable" in control
            assert int(re.search(r"max-age=(\d+)", control).group(1)) >= 365 * 24 * 3600
    assert fetch(f"{base}/static/coopnet.000000000000.css") == 404


# -- a server under load, on a database of its own --------------------------------------------

CLIENTS = 50
USERNAME, PASSWORD = "sam", "pw-sam-serve-123"
#: what every client reads once signed in: pages and API routes that all query the database
PAGES = ("/", "/api/people", "/skills/", "/services/")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _with_database(url: str, name: str) -> str:
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


@pytest.fixture
def fresh_database(tmp_path):
    """The environment for a server on a database of its own: a new PostgreSQL database
    (dropped afterwards) when the suite runs on PostgreSQL, else a SQLite file in tmp_path."""
    env = {**os.environ, "COOPNET_DATA_DIR": str(tmp_path)}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        env.pop("DATABASE_URL", None)
        yield env
        return
    name = f"coopnet_serve_{uuid.uuid4().hex[:12]}"
    maintenance = _with_database(url, "postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env["DATABASE_URL"] = _with_database(url, name)
    try:
        yield env
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(sql.Identifier(name)))


def _create_user(env):
    """A user with a known password, made by Django's own command against the server's
    database (the server has migrated it)."""
    command = ["createsuperuser", "--noinput", "--username", USERNAME, "--email", "sam@example.org"]
    subprocess.run(
        [sys.executable, "-m", "coopnet.manage", *command],
        env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
        timeout=60,
    )


def _visit(base: str) -> tuple[bool, list[int | str]]:
    """One browser's visit: sign in through the login form (with its CSRF token), then read
    every page in PAGES. Whether the sign-in landed on the home page, and each request's
    status (or the error that stood for one: a reset or timed-out connection). The timeout is
    generous: fifty sign-ins' password hashing queues on two workers, slowly on a loaded machine,
    and what this test catches is an error or a hang, not slowness."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    outcomes: list[int | str] = []

    def get(path: str, data: bytes | None = None) -> tuple[str, str]:
        try:
            with opener.open(f"{base}{path}", data=data, timeout=120) as response:
                outcomes.append(response.status)
                return response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            outcomes.append(error.code)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            outcomes.append(f"{path}: {error!r}")
        return "", ""

    _, form = get("/accounts/login/")
    found = CSRF_FIELD.search(form)
    fields = {"username": USERNAME, "password": PASSWORD, "next": "/"}
    fields["csrfmiddlewaretoken"] = found.group(1) if found else ""
    landed, home = get("/accounts/login/", urllib.parse.urlencode(fields).encode())
    signed_in = landed == f"{base}/" and "Sign out" in home
    for path in PAGES:
        get(path)
    return signed_in, outcomes


def test_two_workers_serve_concurrent_sign_ins_without_an_error(fresh_database, tmp_path):
    """The master migrates before forking its workers: no database connection may cross the
    fork, or the workers share one socket and fail or hang under concurrent requests."""
    log = tmp_path / "serve.log"
    with running_server(fresh_database, workers=2, log=log) as base:
        _create_user(fresh_database)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            visits = list(pool.map(_visit, [base] * CLIENTS))
    outcomes = [o for _, found in visits for o in found]
    failures = [o for o in outcomes if not isinstance(o, int) or o >= 500]
    assert failures == [], log.read_text()[-3000:]
    assert outcomes == [200] * (CLIENTS * (2 + len(PAGES)))  # every page read, signed in
    assert [signed_in for signed_in, _ in visits] == [True] * CLIENTS


def test_token_command_issues_a_working_token(db, cast, capsys):
    from django.test import Client

    from coopnet.cli import main

    assert main(["token", "alice", "--name", "ci"]) == 0
    key = capsys.readouterr().out.strip()
    response = Client().get("/api/organisations/outlier/people", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert main(["token", "nobody"]) == 2


def test_token_command_without_a_database_says_where_it_looked(tmp_path):
    env = {**os.environ, "COOPNET_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    found = subprocess.run(
        [sys.executable, "-m", "coopnet.cli", "token", "coordinator"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 2
    assert found.stdout == ""
    lines = found.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: no coopnet database at {tmp_path}")
    assert "COOPNET_DATA_DIR" in lines[0]


def test_serve_with_a_currency_that_is_not_iso_4217_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"COOPNET_DATA_DIR": str(tmp_path), "COOPNET_CURRENCY": "XYZ"}
    coopnet = Path(sys.executable).with_name("coopnet")
    found = subprocess.run(
        [str(coopnet), "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 2
    assert found.stderr.strip().splitlines() == [
        "error: COOPNET_CURRENCY: 'XYZ' is not an ISO 4217 currency code (e.g. GBP, EUR, USD)"
    ]
