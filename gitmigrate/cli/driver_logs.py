"""What database drivers log reaches the user as one line, never as a traceback.

SQLAlchemy's pool logs an error with its traceback when closing a connection fails; with no
handler configured, Python's last-resort handler prints it to stderr. That happens when a second
Ctrl-C lands while the pool closes a connection: the interrupt (not an Exception) is re-raised
and ends the run with its own message, so its record is dropped; any other failure becomes a
one-line warning naming the exception.
"""

from __future__ import annotations

import logging

import click

_NAME = "sqlalchemy.pool"


class _OneLine(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and not isinstance(exc, Exception):
            return  # an interrupt: the CLI's own message says what happened
        detail = f": {type(exc).__name__}: {exc}" if exc is not None else ""
        click.echo(f"warning: {record.getMessage()}{detail}", err=True)


def route_driver_logs() -> None:
    """Install the one-line handler once (main() may run many times in one process)."""
    logger = logging.getLogger(_NAME)
    if not any(isinstance(h, _OneLine) for h in logger.handlers):
        logger.addHandler(_OneLine(logging.WARNING))
