"""Shared by the config-surface e2e tests: the `config` group, a PATH that runs the installed
`git migrate`, and helpers that commit config files and steps."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pytest

from tests.fixtures_git import git


def attach_config_commands(monkeypatch: pytest.MonkeyPatch) -> click.Group:
    """The `git migrate config` group (every config command is wired into it)."""
    from gitmigrate.cli.commands import load_command

    group = load_command("config")
    assert isinstance(group, click.Group)
    return group


def commit(repo: Path, files: dict[str, str], message: str, *, trailers: str = "") -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message + ("\n\n" + trailers if trailers else ""))
    return git(repo, "rev-parse", "HEAD").strip()


def launcher(bin_dir: Path) -> dict[str, str]:
    """PATH with the installed `git-migrate` first (for `git migrate ...` in a shell)."""
    import os

    bin_dir.mkdir(parents=True, exist_ok=True)
    return {"PATH": f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}"}
