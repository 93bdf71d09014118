"""Running the web app for real: migrations, static files, gunicorn; and the job worker.

Configuration is by environment variable (see coopnet.web.settings). Web workers are
stateless, so several `coopnet serve` processes can run behind one PostgreSQL; background jobs
(formation, splits) run in `coopnet worker` processes that take jobs from the database queue.
"""

from __future__ import annotations

import os
from typing import Any


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


def serve(*, host: str, port: int, workers: int, migrate: bool = True) -> None:
    """Serve the WSGI app with gunicorn (in this process, no shell involved)."""
    prepare(migrate=migrate)
    from gunicorn.app.base import BaseApplication

    from coopnet.web.wsgi import application

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "accesslog": "-",
                "timeout": 60,
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
