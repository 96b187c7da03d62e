"""`git migrate api ...`: the group. Each subcommand lives in its own module and attaches
itself here through `_SUBCOMMAND_MODULES`."""

from __future__ import annotations

import importlib

import click

# (module under gitmigrate.cli.commands, click command attribute)
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("api_diff", "api_diff_command"),
    ("api_steps", "api_guide_command"),
    ("api_steps", "api_adapter_command"),
    ("api_steps", "api_deprecate_command"),
    ("api_diff", "api_notices_command"),
)


@click.group()
def api() -> None:
    """API: OpenAPI breaking changes (oasdiff's ids), migration guides, v1 adapters and
    deprecations as reviewable step commits."""


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    api.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
