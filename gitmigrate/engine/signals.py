"""SIGINT/SIGTERM end every run the same way: exit 130, `error: interrupted …` and a hint.

During a run (`deferred_signals`) a signal only sets a flag: the engine finishes the current
statement or chunk, records its checkpoint and raises InterruptedRunError naming `git migrate
resume`. Outside that window (`interrupts_raise`, around everything the CLI does) a
signal raises `Interrupted` at once, for SIGTERM as for SIGINT, so that neither Python's default
SIGTERM action (exit 143) nor click's Ctrl-C handling (a bare "Aborted" after a blank line)
decides the outcome; `interrupted_outside_run` then says what the interrupt left behind.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from gitmigrate.errors import InterruptedRunError

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(SystemExit):
    """A signal outside the deferred window (or a second one inside it). Not an Exception, so no
    `except Exception` on the way mistakes it for a failure; not a KeyboardInterrupt, which click
    would turn into a bare `Abort`; a SystemExit with code 130, which psycopg answers by
    cancelling the query in flight, and which exits 130 even if nothing caught it."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(130)
        self.signal_name = signal_name


@dataclass
class _Progress:
    """What this process's runs have reached, for the message of an interrupt between them."""

    started: bool = False  # a run deferred signals: steps may have run
    resume: str | None = None  # its resume command


_progress = _Progress()


class StopFlag:
    def __init__(self) -> None:
        self.signal_name: str | None = None

    def __call__(self) -> bool:
        return self.signal_name is not None


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


@contextmanager
def interrupts_raise() -> Iterator[None]:
    """While the CLI runs a command (never the library on its own): SIGINT and SIGTERM raise
    Interrupted. The previous handlers come back after, for a caller in the same process (the
    tests run `main()` inside pytest, whose SIGTERM must still end it)."""
    _progress.started, _progress.resume = False, None
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def interrupted_outside_run(signal_name: str) -> InterruptedRunError:
    """The error for an interrupt outside a run's deferred window: before any run started
    nothing was changed; after one, its resume command continues whatever is left."""
    if not _progress.started:
        return InterruptedRunError(
            f"interrupted ({signal_name}) before any step started",
            "nothing was changed; run the command again",
        )
    return InterruptedRunError(
        f"interrupted ({signal_name}) during the run",
        f"resume with: {_progress.resume or 'git migrate resume'}"
        " (`git migrate status` shows what was applied)",
    )


@contextmanager
def deferred_signals(resume: str | None = None) -> Iterator[StopFlag]:
    """Signals set the flag the engine checks between statements and chunks; a second one
    raises Interrupted (the user insists). A signal that arrived after the last check still
    ends the run with exit 130 and the resume command."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    _progress.started, _progress.resume = True, resume

    def handler(signum: int, _frame: FrameType | None) -> None:
        if flag.signal_name is not None:
            raise Interrupted(signal.Signals(signum).name)
        flag.signal_name = signal.Signals(signum).name

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    if flag.signal_name is not None:  # no statement or chunk was left to stop at
        raise InterruptedRunError(
            f"interrupted ({flag.signal_name}) after the run's last step",
            f"resume with: {resume or 'git migrate resume'} (it applies whatever is left)",
        )
