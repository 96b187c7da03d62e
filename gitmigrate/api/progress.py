"""Progress for programs: pass `apply(..., progress=...)` either a full `Reporter` (the
protocol the CLI's progress bars implement) or a plain callable that receives one
`ProgressEvent` per thing that happens (as httpx takes a callback and its CLI the printer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from gitmigrate.core.model import Step
from gitmigrate.core.reporter import Reporter


@dataclass(frozen=True)
class ProgressEvent:
    """What happened: `event` is started, statement, progress, finished or note."""

    event: str
    step: str | None = None  # step id (NAME/NNN); None for a note
    summary: str = ""
    index: int = 0  # started: 1-based position in the run
    total: int | None = None  # started: steps in the run; progress: units in the step, if known
    position: int = 0  # progress: units done (rows for data steps, statements otherwise)
    action: str = ""  # started: apply, roll back, ...
    outcome: str = ""  # finished: applied, rolled back, ...
    seconds: float = 0.0  # finished
    text: str = ""  # statement: the SQL; note: the message

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", 0, 0.0)} | {
            "event": self.event
        }


ProgressCallback: TypeAlias = Callable[[ProgressEvent], None]
Progress: TypeAlias = "Reporter | ProgressCallback | None"


class CallbackReporter:
    """A Reporter that turns every call into a `ProgressEvent` for one callable."""

    def __init__(self, callback: ProgressCallback) -> None:
        self.callback = callback

    def step_started(self, step: Step, index: int, total: int, action: str) -> None:
        self.callback(ProgressEvent("started", step.id, step.summary, index, total, action=action))

    def statement(self, step: Step, sql: str) -> None:
        self.callback(ProgressEvent("statement", step.id, step.summary, text=sql))

    def progress(self, step: Step, position: int, total: int | None) -> None:
        self.callback(
            ProgressEvent("progress", step.id, step.summary, total=total, position=position)
        )

    def step_finished(self, step: Step, outcome: str, seconds: float) -> None:
        self.callback(
            ProgressEvent("finished", step.id, step.summary, outcome=outcome, seconds=seconds)
        )

    def note(self, message: str) -> None:
        self.callback(ProgressEvent("note", text=message))


def as_reporter(progress: Progress) -> Reporter | None:
    """A Reporter as is; a callable wrapped; None stays None (the engine's NullReporter)."""
    if progress is None:
        return None
    if callable(getattr(progress, "step_started", None)):
        return progress  # type: ignore[return-value]
    assert callable(progress)
    return CallbackReporter(progress)
