"""Running the web app for real: migrations, static files, gunicorn; and the job worker.

Configuration is by environment variable (see coopnet.web.settings). Web workers are
stateless, so several `coopnet serve` processes can run behind one PostgreSQL; background jobs
(formation, splits) run in `coopnet worker` processes that take jobs from the database queue.
"""

from __future__ import annotations

import gc
import os
from typing import Any

#: the workers' garbage collector: a young generation of 50,000 objects instead of 700 (a page
#: allocates tens of thousands; collecting every 700 cost about a tenth of a page's time), the
#: older generations as usual
GC_THRESHOLDS = (50_000, 10, 10)

#: `coopnet serve`'s defaults, chosen by measurement on a two-core machine (docs/benchmarks.md,
#: "Web under load"; docs/deployment.md says how to size them for another machine): two sync
#: processes per core, so that one computes while the other waits for the database or Redis
WORKERS, THREADS = 2 * len(os.sched_getaffinity(0)), 1


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopnet.web.settings")
    import django

    django.setup()


def prepare(*, migrate: bool = True) -> None:
    """Apply migrations and collect static files (both idempotent)."""
    setup_django()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def close_connections() -> None:
    """Close every database connection of this process. Gunicorn forks its workers from this
    one: a connection open here would be inherited by all of them, which would then talk over
    one socket (PostgreSQL) or one file handle (SQLite) at once. Each worker opens its own."""
    from django.db import connections

    connections.close_all()


def _post_fork(server: Any, worker: Any) -> None:
    """Gunicorn's hook in each new worker: no connection of the master's (defensive, should
    it open one again), and the collector's thresholds for request work."""
    close_connections()
    gc.set_threshold(*GC_THRESHOLDS)


def serve(
    *, host: str, port: int, workers: int, threads: int = THREADS, migrate: bool = True
) -> None:
    """Serve the WSGI app with gunicorn (in this process, no shell involved): `workers`
    processes, each with `threads` threads (gunicorn's gthread worker when more than one; each
    thread keeps its own database connection)."""
    prepare(migrate=migrate)
    from gunicorn.app.base import BaseApplication

    from coopnet.web.wsgi import application

    close_connections()  # migrate (and the demo's seeding) used them; the workers are forked
    # what is loaded so far (Django, the apps, the URLs) lives as long as the workers: out of
    # the collector's sight, and so shared with them page for page rather than copied
    gc.freeze()

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "accesslog": "-",
                "timeout": 60,
                "post_fork": _post_fork,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    _App().run()


def worker(*, batch: bool = False) -> None:
    """Run background jobs from the database queue (django-tasks-db's worker)."""
    setup_django()
    from django.core.management import call_command

    call_command("db_worker", batch=batch, interval=1.0)


def demo(*, host: str, port: int, data_dir: str, fresh: bool) -> None:
    """The demo network in a SQLite database under `data_dir`, a job worker, and the web app.

    The database is created and seeded on first run (or with `fresh`); its logins are printed.
    """
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    directory = Path(data_dir).resolve()
    if fresh and directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["COOPNET_DATA_DIR"] = str(directory)
    os.environ.pop("DATABASE_URL", None)  # the demo is always its own SQLite file
    prepare(migrate=True)
    _seed_once()
    worker_process = subprocess.Popen(
        [sys.executable, "-m", "coopnet.cli", "worker"], env=dict(os.environ)
    )
    try:
        serve(host=host, port=port, workers=WORKERS, threads=THREADS, migrate=False)
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=10)


def _seed_once() -> None:
    from rich.console import Console
    from rich.table import Table

    from coopnet.directory.models import Organisation
    from coopnet.web.demo_data import DEMO_PASSWORD, seed_directory

    console = Console(stderr=True)
    if Organisation.objects.exists():
        console.print("Using the existing demo database (--fresh starts again).")
        return
    with console.status("Seeding the demo network…"):
        logins = seed_directory()
    table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})", title_justify="left")
    for column in ("username", "role", "organisation"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.role, login.organisation)
    console.print(table)
