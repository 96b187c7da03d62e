"""Progress reporting: the library never prints; it calls a Reporter the caller supplies
(the CLI's rich implementation, or NullReporter for programs and tests)."""

from __future__ import annotations

from typing import Protocol

from gitmigrate.core.model import Step


class Reporter(Protocol):
    def step_started(self, step: Step, index: int, total: int, action: str) -> None: ...

    def statement(self, step: Step, sql: str) -> None: ...

    def progress(self, step: Step, position: int, total: int | None) -> None: ...

    def step_finished(self, step: Step, outcome: str, seconds: float) -> None: ...

    def note(self, message: str) -> None: ...


class NullReporter:
    def step_started(self, step: Step, index: int, total: int, action: str) -> None:
        pass

    def statement(self, step: Step, sql: str) -> None:
        pass

    def progress(self, step: Step, position: int, total: int | None) -> None:
        pass

    def step_finished(self, step: Step, outcome: str, seconds: float) -> None:
        pass

    def note(self, message: str) -> None:
        pass
