"""The `coopnet` command's tree of commands, and its one way out: every failure ends in one
`error:` line on stderr and the exit status of spec/interfaces.md (0 success, 2 bad input,
1 anything else), never a traceback unless COOPNET_DEBUG asks for one."""

from __future__ import annotations

import os
import sys
import traceback

import typer
from django.core.exceptions import ImproperlyConfigured
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # typer (pinned) vendors click

from coopnet.cli import (
    backup,
    consortium,
    games,
    generate,
    ledger,
    lifecycle,
    notifications,
    platform,
    pool,
    resilience,
)
from coopnet.engine.errors import BadInput, EngineError

app = typer.Typer(
    help="coopnet: optimal consortia and fair, stable splits for co-operative networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
generate_app = typer.Typer(help="Synthetic data for demos and benchmarks.", no_args_is_help=True)
generate_app.command("network")(generate.generate_network_command)
app.add_typer(generate_app, name="generate")
game_app = typer.Typer(
    help="Cooperative (TU) games: solutions, core, added value.", no_args_is_help=True
)
game_app.command("solve")(games.game_solve)
app.add_typer(game_app, name="game")
ledger_app = typer.Typer(help="The platform's double-entry books.", no_args_is_help=True)
ledger_app.command("export")(ledger.ledger_export)
app.add_typer(ledger_app, name="ledger")
notifications_app = typer.Typer(help="Notification e-mails, for cron.", no_args_is_help=True)
notifications_app.command("digest")(notifications.digest)
notifications_app.command("send")(notifications.send)
app.add_typer(notifications_app, name="notifications")
opportunities_app = typer.Typer(help="Opportunities' proposals, for cron.", no_args_is_help=True)
opportunities_app.command("lapse")(lifecycle.lapse)
app.add_typer(opportunities_app, name="opportunities")
app.command("form")(consortium.form_command)
app.command("split")(consortium.split_command)
app.command("pool")(pool.pool_command)
app.command("resilience")(resilience.resilience_command)
for command in (platform.demo, platform.serve, platform.worker, platform.token, platform.version):
    app.command()(command)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)


def main(argv: list[str] | None = None) -> int:
    """Run the command line `argv` (default: the process's); return the exit status."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="coopnet", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return fail("aborted", 1)
    except NoArgsIsHelpError:
        return 0
    except UsageError as exc:
        return fail(exc.format_message(), 2)
    except BadInput as exc:
        return fail(str(exc), 2)
    except ImproperlyConfigured as exc:  # a bad setting (COOPNET_CURRENCY, say) names itself
        return fail(str(exc), 2)
    except EngineError as exc:
        return fail(str(exc), 1)
    except MemoryError:
        return fail("out of memory; try a smaller game or --method sample", 1)
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("COOPNET_DEBUG"):
            traceback.print_exc()
        return fail(
            f"internal error ({exc.__class__.__name__}: {exc}); "
            "set COOPNET_DEBUG=1 for the traceback",
            1,
        )
    return 0


def fail(message: str, status: int) -> int:
    """Write the one `error:` line and return the exit status."""
    sys.stderr.write(f"error: {message}\n")
    return status


def run() -> None:
    """The console script `coopnet`."""
    sys.exit(main())
