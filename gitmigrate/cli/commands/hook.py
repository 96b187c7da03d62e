"""`git-migrate hook pre-push [REMOTE] [URL]`: what the installed pre-push hook runs (hidden)."""

from __future__ import annotations

import os
import sys

import click

from gitmigrate import api
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_FAILED


@click.group(hidden=True)
def hook() -> None:
    """Git hook entry points (installed by `git migrate init --hooks`)."""


@hook.command("pre-push")
@click.argument("remote", required=False)
@click.argument("url", required=False)
@click.pass_context
def pre_push(ctx: click.Context, remote: str | None, url: str | None) -> None:
    """Check pushed migration branches (git's pre-push lines on stdin); exit 1 to block."""
    stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    checked = api.pre_push(repo_from(ctx), remote or url, stdin, os.environ)
    _render(checked)
    if checked.blocked:
        ctx.exit(EXIT_FAILED)  # what git needs to refuse the push


def say(text: str = "") -> None:
    click.echo(text, err=True)  # git shows a hook's stderr to the user


def _render(checked: api.PrePushReport) -> None:
    report = checked.report
    for check in report.checked:
        if not check.problems:
            continue
        count = len(check.problems)
        say(f"git-migrate: push of {check.branch} to {report.remote} blocked "
            f"({count} problem{'s' if count != 1 else ''}):")  # fmt: skip
        for problem in check.problems:
            say(f"  - {problem.message}")
            say(f"    fix: {problem.fix}")
        say()
    if report.blocked:
        say("Fix the steps (amend or add commits) and push again; "
            "bypass with git push --no-verify")  # fmt: skip
        return
    if report.notes.pushed:
        names = ", ".join(report.notes.pushed)
        merged = (
            f" (merged the remote's first: {', '.join(report.notes.merged)})"
            if report.notes.merged
            else ""
        )
        say(f"git-migrate: pushed {names} to {report.remote}{merged}")
    if report.notes.warning:
        say(f"git-migrate: warning: {report.notes.warning}")
