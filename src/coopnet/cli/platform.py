"""The platform's commands: `serve`, `worker`, `demo` (the web app's, or the engine's), `token`
and `version`. Django is imported only when one of them runs."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from coopnet import __version__
from coopnet.cli.currency import SETTING, CurrencyOption, network_currency
from coopnet.cli.engine_demo import run_demo
from coopnet.cli.options import out
from coopnet.engine.errors import BadInput
from coopnet.web.serve import THREADS, WORKERS

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)]
EngineOption = Annotated[
    bool, typer.Option("--engine", help="Print the engine demo instead of serving the app.")
]
#: common.models.DEFAULT_EXPIRY_DAYS, repeated so that the CLI starts without importing Django
TOKEN_DAYS = 90
DataDir = Annotated[str, typer.Option(help="Where the demo database lives.")]
Fresh = Annotated[bool, typer.Option(help="Start again from a new demo database.")]


def demo(
    engine: EngineOption = False,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    data_dir: DataDir = ".coopnet-demo",
    fresh: Fresh = False,
    currency: CurrencyOption = None,
) -> None:
    """The demo network in the web app (its logins are printed), or --engine for the engine."""
    money = network_currency(currency)
    if engine:
        run_demo(out, money)
        return
    from coopnet.web.serve import demo as run_web_demo

    if currency is not None:  # the web app reads its currency from the environment
        os.environ[SETTING] = money.code
    run_web_demo(host=host, port=port, data_dir=data_dir, fresh=fresh)


def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(help="Web worker processes.", min=1)] = WORKERS,
    threads: Annotated[
        int, typer.Option(help="Threads per worker (more than 1: gthread workers).", min=1)
    ] = THREADS,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Run the web app with gunicorn (settings from the environment: see docs/deployment.md)."""
    from coopnet.web.serve import serve as run_server

    run_server(host=host, port=port, workers=workers, threads=threads, migrate=migrate)


def worker(
    batch: Annotated[bool, typer.Option(help="Run the queued jobs, then exit.")] = False,
) -> None:
    """Run background jobs (formation, splits) from the database queue."""
    from coopnet.web.serve import worker as run_worker

    run_worker(batch=batch)


def token(
    username: Annotated[str, typer.Argument(help="The user the token acts for.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "script",
    expires_days: Annotated[
        int, typer.Option(help="Days until the token expires (1 to 365).")
    ] = TOKEN_DAYS,
) -> None:
    """Issue an API token for a user; the key is shown once (only its hash is kept). It works
    until it expires, is revoked (the API tokens page), or the user's password changes."""
    from coopnet.web.serve import setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError

    from coopnet.common.tokens import token_issue

    try:
        user = get_user_model().objects.filter(username=username).first()
    except DatabaseError:
        where = settings.DATABASES["default"]["NAME"]
        raise BadInput(
            f"no coopnet database at {where}: set COOPNET_DATA_DIR (the demo's is "
            f".coopnet-demo) or DATABASE_URL"
        ) from None
    if user is None:
        raise BadInput(f"no user called {username!r}")
    try:
        _, key = token_issue(actor=user, name=name, days=expires_days)  # audited there
    except ValidationError as error:
        raise BadInput(" ".join(error.messages)) from None
    out.print(key)


def version() -> None:
    """Print the version."""
    out.print(f"coopnet {__version__}")
