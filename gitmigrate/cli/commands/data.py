"""`git migrate data ...`: the group. Each subcommand lives in its own module and attaches
itself here through `_SUBCOMMAND_MODULES` (add one line per module when it lands)."""

from __future__ import annotations

import importlib

import click

# (module under gitmigrate.cli.commands, click command attribute)
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("data_add", "data_add_command"),
    ("data_copy", "data_copy_command"),
    ("data_validate", "data_validate_command"),
    ("data_verify", "data_verify_command"),
)


@click.group()
def data() -> None:
    """Data: chunked backfills and transforms, copies, validation, verification."""


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    data.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
