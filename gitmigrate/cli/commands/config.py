"""`git migrate config ...`: the group. Each subcommand lives in its own module and attaches
itself here through `_SUBCOMMAND_MODULES` (add one line per module when it lands)."""

from __future__ import annotations

import importlib

import click

# (module under gitmigrate.cli.commands, click command attribute)
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("config_edit", "config_set_command"),
    ("config_edit", "config_unset_command"),
    ("config_edit", "config_rename_command"),
    ("config_edit", "config_move_command"),
    ("config_edit", "config_convert_command"),
    ("config_edit", "config_merge_command"),
    ("config_query", "config_diff_command"),
    ("config_query", "config_explain_command"),
    ("config_query", "config_validate_command"),
    ("config_query", "config_history_command"),
    ("config_secrets", "config_secrets_command"),
    ("config_secrets", "config_migrate_secrets_command"),
)


@click.group()
def config() -> None:
    """Config: structured edits, conversions, merges and secrets of YAML, JSON, TOML, INI and
    .env files, each change a step."""


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    config.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
