"""`coopnet serve` really serves: migrations, static files and gunicorn, on a free port."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


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


def test_serve_answers_on_its_port(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own SQLite file
    env["COOPNET_DATA_DIR"] = str(tmp_path)
    coopnet = Path(sys.executable).with_name("coopnet")
    server = subprocess.Popen(
        [str(coopnet), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            try:
                status = fetch(f"http://127.0.0.1:{port}/api/openapi.json")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        assert status == 200
        assert fetch(f"http://127.0.0.1:{port}/api/people") == 401
        assert (tmp_path / "coopnet.sqlite3").exists()
        assert (tmp_path / "coopnet.sqlite3-wal").exists()  # SQLite runs in WAL mode
    finally:
        server.terminate()
        server.wait(timeout=10)


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
