"""`git migrate code ...`: the group. Each subcommand lives in its own module and attaches
itself here through `_SUBCOMMAND_MODULES` (add one line per module when it lands)."""

from __future__ import annotations

import importlib

import click

# (module under gitmigrate.cli.commands, click command attribute)
_SUBCOMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("code_scan", "code_scan_command"),
    ("code_add", "code_add_command"),
    ("code_scan", "code_recipes_command"),
)


@click.group()
def code() -> None:
    """Code: codemod recipes (Pydantic 2, SQLAlchemy 2, modern Python, React 18) as
    reviewable step commits, verified by your tests."""


def _attach(module: str, attribute: str) -> None:
    command = getattr(importlib.import_module(f"gitmigrate.cli.commands.{module}"), attribute)
    code.add_command(command)


for _module, _attribute in _SUBCOMMAND_MODULES:
    _attach(_module, _attribute)
