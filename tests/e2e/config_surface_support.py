"""Shared by the config-surface e2e tests: the `config` group with this branch's commands
attached (the real group once the config kind's CLI lands; a stand-in group before), and
helpers that commit config files and steps."""

from __future__ import annotations

from pathlib import Path

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
    import importlib

    from gitmigrate.cli.commands import load_command
    from gitmigrate.cli.main import cli

    group = load_command("config") if "config" in _names() else None
    if not isinstance(group, click.Group):
        group = click.Group("config", help="Config files: edit, layer, validate, encrypt.")
        monkeypatch.setitem(cli.commands, "config", group)
    for module, attribute in SURFACE:
        try:
            mod = importlib.import_module(f"gitmigrate.cli.commands.{module}")
        except ModuleNotFoundError:
            continue
        command = getattr(mod, attribute, None)
        if isinstance(command, click.Command) and command.name not in group.commands:
            monkeypatch.setitem(group.commands, str(command.name), command)
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
