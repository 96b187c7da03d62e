"""`git migrate platform ...`: the group. Each subcommand lives in its own module and attaches
itself here through `_SUBCOMMAND_MODULES` (add one line per module when it lands)."""

from __future__ import annotations

import importlib

import click

# (module under gitmigrate.cli.commands, click command attribute)
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("platform_scan", "platform_scan_command"),
    ("platform_scan", "platform_map_command"),
    ("platform_split", "platform_split_command"),
    ("platform_convert", "convert"),
)


@click.group()
def platform() -> None:
    """Platform: inventory of what the repository runs on, Compose to Kubernetes, cloud
    services and Terraform across providers, and service boundaries in a monolith."""


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    platform.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
