"""Shared by the config-surface e2e tests: the `config` group with this branch's commands
attached (the real group once the config kind's CLI lands; a stand-in group before), and
helpers that commit config files and steps."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest

from tests.fixtures_git import git

SURFACE = (
    ("config_query", "config_history_command"),
    ("config_query", "config_diff_command"),
    ("config_query", "config_explain_command"),
    ("config_query", "config_validate_command"),
    ("config_secrets", "config_secrets_command"),
    ("config_secrets", "config_migrate_secrets_command"),
)


def attach_config_commands(monkeypatch: pytest.MonkeyPatch) -> click.Group:
    """`git migrate config ...` with every command of this branch, for run_cli."""
    return attach(monkeypatch.setitem)


def attach(setitem: Callable[[Any, str, Any], None] = operator.setitem) -> click.Group:
    """Attach this branch's commands to the `config` group (a stand-in group when the config
    kind's CLI is not there); a command the group has already is left alone."""
    import importlib

    from gitmigrate.cli.commands import load_command
    from gitmigrate.cli.main import cli

    group = load_command("config") if "config" in _names() else None
    if not isinstance(group, click.Group):
        group = click.Group("config", help="Config files: edit, layer, validate, encrypt.")
        setitem(cli.commands, "config", group)
    for module, attribute in SURFACE:
        try:
            mod = importlib.import_module(f"gitmigrate.cli.commands.{module}")
        except ModuleNotFoundError:
            continue
        command = getattr(mod, attribute, None)
        if isinstance(command, click.Command) and command.name not in group.commands:
            setitem(group.commands, str(command.name), command)
    return group


def _names() -> list[str]:
    from gitmigrate.cli.commands import COMMANDS

    return list(COMMANDS)


def commit(repo: Path, files: dict[str, str], message: str, *, trailers: str = "") -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message + ("\n\n" + trailers if trailers else ""))
    return git(repo, "rev-parse", "HEAD").strip()


def launcher(bin_dir: Path) -> dict[str, str]:
    """A `git-migrate` executable in `bin_dir` that runs the real CLI with this branch's config
    commands attached; returns PATH with it first (for `git migrate ...` in a shell)."""
    import os

    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "git-migrate"
    root = Path(__file__).resolve().parents[2]
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "from tests.e2e.config_surface_support import attach\n"
        "from gitmigrate.cli.main import main\n"
        "attach()\n"
        "main()\n"
    )
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}"}
