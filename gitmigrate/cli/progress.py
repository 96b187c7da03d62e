"""The rich Reporter: a progress bar per step for people, plain lines when not a TTY or with
--no-progress. Statements are echoed in dry runs and with --verbose."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from gitmigrate.api import Step
from gitmigrate.cli import output


class RateColumn(ProgressColumn):
    """Units per second (rows/s for data steps, statements/s otherwise)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "")


class ConsoleReporter:
    def __init__(self, *, show_progress: bool, echo_sql: bool) -> None:
        self.echo_sql = echo_sql
        self.use_bar = show_progress and sys.stdout.isatty() and not echo_sql
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._started = 0.0
        self._last_line = 0.0

    def step_started(self, step: Step, index: int, total: int, action: str) -> None:
        label = f"[{index}/{total}] {action} {step.id}: {step.summary}"
        if self.use_bar:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,.0f}/{task.total}"),
                RateColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=output.out(),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(label, total=None)
        else:
            output.info(label)
        self._started = self._last_line = time.monotonic()

    def statement(self, step: Step, sql: str) -> None:
        if self.echo_sql:
            output.out().print(sql.rstrip() + ";", markup=False, highlight=False)

    def progress(self, step: Step, position: int, total: int | None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=position, total=total)
            return
        clock = time.monotonic()
        if clock - self._last_line >= 10:  # logs (not a TTY): a line every 10 s of a long step
            self._last_line = clock
            output.info("  " + progress_line(position, total, clock - self._started))

    def step_finished(self, step: Step, outcome: str, seconds: float) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        output.info(f"  {outcome} {step.id} in {seconds:.2f}s")

    def note(self, message: str) -> None:
        output.warn(message)


def tty_confirm(question: str) -> bool:
    """Ask on a terminal; None-equivalent (refuse) when stdin is not one, so scripts need --yes."""
    import click

    return bool(click.confirm(question, default=False))


def confirm_if_tty() -> Callable[[str], bool] | None:
    return tty_confirm if sys.stdin.isatty() else None


def progress_line(done: int, total: int | None, seconds: float) -> str:
    """`12,000/1,000,000 (1.2%) 4,000/s, ETA 4m05s` for logs."""
    rate = done / seconds if seconds > 0 else 0.0
    line = f"{done:,}" + (f"/{total:,} ({done / total:.1%})" if total else "")
    line += f" {rate:,.0f}/s"
    if total and rate > 0 and total > done:
        eta = int((total - done) / rate)
        line += f", ETA {eta // 60}m{eta % 60:02d}s"
    return line
