"""`git migrate config secrets encrypt|decrypt|rotate FILE [--keys REGEX]`, `config secrets
migrate FROM TO` and its alias `config migrate-secrets FROM_KEYS TO_KEYS`. Encrypt, rotate and
migrate commit a step each (`--print` shows it instead); decrypt commits nothing and shows
plaintext only on a pipe, in --out, or on a terminal with --show."""

from __future__ import annotations

import sys
from typing import Any

import click

from gitmigrate.api import config_secrets as api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

_PRINT = click.option("--print", "print_only", is_flag=True, help="Show the step, commit nothing.")
_MESSAGE = click.option("-m", "--message", "summary", help="Step summary.")
_JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.group("secrets")
def config_secrets_command() -> None:
    """Encrypt config values in place (SOPS-compatible), decrypt, rotate and re-key."""


@config_secrets_command.command("encrypt")
@click.argument("file")
@click.option("--keys", metavar="REGEX", help="Encrypt only key paths matching (e.g. 'password').")
@click.option("--env", metavar="NAME", help="Use this environment's keys (without .sops.yaml).")
@_MESSAGE
@_PRINT
@_JSON
@click.pass_context
def encrypt(ctx: click.Context, file: str, keys: str | None, env: str | None,
            summary: str | None, print_only: bool, as_json: bool) -> None:  # fmt: skip
    """Commit a step encrypting FILE's values for the recipients of .sops.yaml (or --env)."""
    _show(api.config_secrets_encrypt(repo_from(ctx), file=file, keys=keys, env=env,
                                     summary=summary, print_only=print_only), as_json)  # fmt: skip


@config_secrets_command.command("rotate")
@click.argument("file")
@_MESSAGE
@_PRINT
@_JSON
@click.pass_context
def rotate(ctx: click.Context, file: str, summary: str | None, print_only: bool,
           as_json: bool) -> None:  # fmt: skip
    """Commit a step giving FILE a new data key (every value re-encrypted)."""
    _show(api.config_secrets_rotate(repo_from(ctx), file=file, summary=summary,
                                    print_only=print_only), as_json)  # fmt: skip


@click.command("migrate-secrets")
@click.argument("from_keys")
@click.argument("to_keys")
@click.option("--file", "files", multiple=True, help="Only this file (repeatable).")
@_MESSAGE
@_PRINT
@_JSON
@click.pass_context
def config_migrate_secrets_command(ctx: click.Context, from_keys: str, to_keys: str,
                                   files: tuple[str, ...], summary: str | None,
                                   print_only: bool, as_json: bool) -> None:  # fmt: skip
    """Re-key every encrypted config file FROM_KEYS can read, for TO_KEYS instead (an
    environment name, or comma-separated age recipients / PGP fingerprints): a step per file."""
    steps = api.config_migrate_secrets(repo_from(ctx), from_keys=from_keys, to_keys=to_keys,
                                       files=files, summary=summary, print_only=print_only)  # fmt: skip
    if as_json:
        output.print_json([s.to_json() for s in steps])
        return
    for step in steps:
        _show(step, False)


config_secrets_command.add_command(config_migrate_secrets_command, "migrate")


@config_secrets_command.command("decrypt")
@click.argument("file")
@click.option("--keys", metavar="REGEX", help="Reveal only key paths matching; mask the rest.")
@click.option("--out", metavar="PATH", help="Write the plaintext there (outside the work tree "
              "or a git-ignored path), mode 600.")  # fmt: skip
@click.option("--show", is_flag=True, help="Print the values on a terminal (masked otherwise).")
@click.pass_context
def decrypt(ctx: click.Context, file: str, keys: str | None, out: str | None, show: bool) -> None:
    """Print FILE decrypted (a pipe gets the plaintext; a terminal gets masked values unless
    --show), or write it to --out. Nothing is committed."""
    result = api.config_decrypt(repo_from(ctx), file=file, keys=keys, out=out)
    if result.written is not None:
        output.err().print(f"wrote {len(result.keys)} decrypted value(s) to {result.written}",
                           markup=False)  # fmt: skip
        return
    if sys.stdout.isatty() and not show:
        output.write(result.masked)
        output.err().print("values masked: --show reveals them", markup=False)
        return
    output.write(result.text)


def _show(result: Any, as_json: bool) -> None:
    """A committed step's id and commit, or (--print) the key-level changes it would make:
    for secret operations there is no text diff, which would hold the plaintext."""
    if as_json:
        output.print_json(result.to_json())
    elif result.step is not None:
        step = result.step
        output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    else:
        output.info(f"would add a config step: {result.preview.summary} (nothing committed)")
        for change in result.preview.changes:
            output.info(f"  {change.line()}")
