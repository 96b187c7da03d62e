"""One module per command; `register` wires them onto the root group explicitly."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    from gitmigrate.cli.commands import (
        add,
        apply,
        diff,
        init,
        listing,
        log,
        push_fetch,
        rollback,
        show,
        start,
        status,
        verify,
    )

    for command in (
        init.init,
        start.start,
        add.add,
        listing.list_command,
        status.status,
        apply.apply,
        apply.resume,
        rollback.rollback,
        verify.verify,
        log.log,
        show.show,
        diff.diff,
        push_fetch.push,
        push_fetch.fetch,
    ):
        group.add_command(command)
