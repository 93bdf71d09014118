"""`coopnet ledger export`: the platform's books on stdout, as Beancount or CSV (spec §5), from
the database the web app uses (`DATABASE_URL`, or the SQLite file in `COOPNET_DATA_DIR`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from coopnet.engine.errors import BadInput

if TYPE_CHECKING:
    from coopnet.directory.models import Organisation

OrganisationOption = Annotated[
    str | None,
    typer.Option("--organisation", help="Export this organisation's view only (its slug)."),
]
FormatOption = Annotated[str, typer.Option("--format", help="beancount (the default) or csv.")]


def ledger_export(
    organisation: OrganisationOption = None, form: FormatOption = "beancount"
) -> None:
    """Print the network's double-entry books, or one organisation's view of them."""
    from coopnet.web.serve import setup_django

    _check_format(form)
    setup_django()
    from coopnet.books import exports

    whose = _organisation(organisation)
    _write(exports.blocks(exports.text(exports.books(whose), form)))


def _check_format(form: str) -> None:
    formats = ("beancount", "csv")  # exports.FORMATS, known before Django is set up
    if form not in formats:
        raise BadInput(f"--format: {form!r} is not one of {', '.join(formats)}")


def _organisation(slug: str | None) -> Organisation | None:
    """The organisation named (None: the network), once the database is known to be there:
    an error must come before the first line is written, not halfway through."""
    from django.conf import settings
    from django.db import DatabaseError

    from coopnet.books.exports import organisation_named
    from coopnet.books.models import Account

    try:
        Account.objects.exists()
        return organisation_named(slug) if slug is not None else None
    except DatabaseError:
        where = settings.DATABASES["default"]["NAME"]
        raise BadInput(
            f"no coopnet database at {where}: set COOPNET_DATA_DIR (the demo's is "
            f".coopnet-demo) or DATABASE_URL"
        ) from None
    except BadInput as error:
        raise BadInput(f"--{error}") from None


def _write(blocks: Iterable[str]) -> None:
    """Write the blocks to stdout; a reader that stops early (`| head`) ends it quietly."""
    try:
        for block in blocks:
            sys.stdout.write(block)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice: point stdout at devnull so that its flush at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
