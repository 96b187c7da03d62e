"""The options `schema inspect`, `schema drift` and `schema diff` share."""

from __future__ import annotations

from collections.abc import Callable

import click


def schema_options(command: Callable[..., None]) -> Callable[..., None]:
    """--schema / --exclude-schema: which PostgreSQL schemas are read (default: every user
    schema; names outside the connection's default schema are qualified)."""
    command = click.option(
        "--exclude-schema",
        "exclude_schemas",
        multiple=True,
        metavar="NAME",
        help="PostgreSQL: leave this schema out; repeatable.",
    )(command)
    return click.option(
        "--schema",
        "only_schema",
        metavar="NAME",
        help="PostgreSQL: read only this schema (default: every user schema).",
    )(command)
