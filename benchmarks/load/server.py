"""The real server under test: `coopnet serve` (gunicorn; it migrates and collects the static
files first) on 127.0.0.1 and a free port, in its own process group so that it and its
workers are stopped together, whatever happens to the run."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from benchmarks.common import progress

HOST = "127.0.0.1"
STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def coopnet_executable() -> str:
    """The `coopnet` script of the interpreter running us (the worktree's .venv)."""
    beside = Path(sys.executable).with_name("coopnet")
    return str(beside) if beside.exists() else "coopnet"


def stop_group(
    process: subprocess.Popen[bytes], name: str, sig: int = signal.SIGTERM, grace: float = 15
) -> None:
    """`sig` to the process group, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        progress(f"  {name} did not stop in {grace:g} s: killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        ...


class Server:
    """`with Server(...) as server:` starts `coopnet serve` and waits until it answers."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        serve_args: list[str],
        log: Path,
        cache: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.command = [
            coopnet_executable(),
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            *serve_args,
        ]
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "COOPNET_DEBUG": "0",
            "COOPNET_DATA_DIR": str(data_dir),
            **(cache or {}),
        }
        self.cache_url = (cache or {}).get("COOPNET_CACHE_URL", "")
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def shown_command(self) -> str:
        """The command as a person would type it (the port is a free one, chosen per run)."""
        words = [Path(self.command[0]).name, *self.command[1:]]
        cache = f"COOPNET_CACHE_URL={self.cache_url} " if self.cache_url else ""
        return f"DATABASE_URL=… {cache}COOPNET_DEBUG=0 " + shlex.join(words)

    def __enter__(self) -> Server:
        progress(f"[server] {self.shown_command} (log: {self.log})")
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stopped as one
            )
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"coopnet serve exited ({self.process.returncode}):\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5) as answer:
                    if answer.status == 200:
                        progress(f"  answering at {self.url}")
                        return
            except (urllib.error.URLError, OSError):
                ...
            time.sleep(0.5)
        raise RuntimeError(f"coopnet serve did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None:
            # SIGINT is gunicorn's quick shutdown (SIGTERM waits for requests under way)
            stop_group(self.process, "coopnet serve", signal.SIGINT)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
