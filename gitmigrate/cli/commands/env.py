"""`git migrate env ...`: the group. Each subcommand lives in its own module and attaches
itself here through `_SUBCOMMAND_MODULES` (add one line per module when it lands)."""

from __future__ import annotations

import importlib

import click

# (module under gitmigrate.cli.commands, click command attribute)
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("env_drift", "env_diff_command"),
    ("env_drift", "env_sync_command"),
    ("env_health", "env_health_command"),
    ("env_secrets", "env_secrets_command"),
    ("env_subset", "env_subset_command"),
)


@click.group()
def env() -> None:
    """Env: drift between environments and syncing it, masked subsets of production data
    closed under foreign keys, secrets and health checks."""


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    env.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
