"""The `git migrate` command line: a thin layer over the library. One error boundary here turns
GitMigrateError into a one-line message and the exit code of DESIGN.md. Every interrupt (SIGINT
or SIGTERM, before a run or during one) ends here as `error: interrupted …` with a hint, exit 130."""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

import click

from gitmigrate import __version__
from gitmigrate.api.interrupts import Interrupted, interrupted_outside_run, interrupts_raise
from gitmigrate.cli.commands import LazyGroup
from gitmigrate.cli.driver_logs import route_driver_logs
from gitmigrate.errors import EXIT_FAILED, EXIT_INTERRUPTED, GitMigrateError


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="git-migrate")
@click.option(
    "-C",
    "repo_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Run as if started in this directory.",
)
@click.pass_context
def cli(ctx: click.Context, repo_dir: str | None) -> None:
    """Migrations of every kind as reviewable, resumable, reversible git history."""
    ctx.obj = {"repo_dir": Path(repo_dir) if repo_dir else None}


def _report_crash() -> str:
    handle, path = tempfile.mkstemp(prefix="git-migrate-crash-", suffix=".log")
    with open(handle, "w") as log:
        traceback.print_exc(file=log)
    return path


def _show(exc: GitMigrateError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"  hint: {exc.hint}", err=True)


def _end_ctrl_c_echo() -> None:
    """A terminal echoes ^C without a newline; the message starts on a line of its own."""
    if sys.stderr.isatty():
        click.echo("", err=True)


def main() -> None:
    route_driver_logs()
    with interrupts_raise():
        _main()


def _main() -> None:
    code: object = 0
    try:
        # without standalone mode click *returns* the code of `ctx.exit(n)` instead of exiting
        code = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            _show(interrupted_outside_run("SIGINT"))
            sys.exit(EXIT_INTERRUPTED)
        click.echo("aborted", err=True)
        sys.exit(EXIT_FAILED)
    except GitMigrateError as exc:
        _show(exc)
        sys.exit(exc.exit_code)
    except (Interrupted, KeyboardInterrupt) as exc:
        _end_ctrl_c_echo()
        _show(interrupted_outside_run(getattr(exc, "signal_name", "SIGINT")))
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        path = _report_crash()
        click.echo(f"error: unexpected failure: {type(exc).__name__}: {exc}", err=True)
        click.echo(f"  hint: this is a bug in git-migrate; the traceback is in {path}", err=True)
        sys.exit(EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else 0)
