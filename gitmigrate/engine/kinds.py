"""The executor interface. The engine owns order, locking, ledger, notes, progress and signals;
an executor only touches its target. Adding a kind means one module plus one registry line.

An executor's `apply`/`rollback` are generators: each yielded Checkpoint is a point where the
work so far may be made durable (the engine writes the ledger checkpoint in the same
transaction as the work it covers) and where an interrupt may stop the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.engine.capabilities import Compensator
from gitmigrate.engine.description import Description
from gitmigrate.engine.target import DatabaseTarget, TreeTarget
from gitmigrate.errors import UsageError


@dataclass(frozen=True)
class Impact:
    """What a step touches, whether it destroys data, and what it is expected to cost."""

    objects: tuple[str, ...] = ()
    destructive: bool = False
    reasons: tuple[str, ...] = ()
    statements: int = 0
    previewable: bool = True
    estimate_seconds: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Checkpoint:
    """Progress inside a step: `position` units done (statements, or chunks for data steps)."""

    position: int
    total: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning" | "info"
    rule: str
    message: str


@dataclass
class StepContext:
    """What the engine hands a kind for one step.

    `target` is where the step runs. A database kind reaches the connection of the step's
    transaction through `connection` (the engine's `session`); a target without one (a tree)
    has none, and asking for it is an error that names the step's kind as the cause.
    `execute` is the one path every statement takes, in dry runs and real runs alike, so the
    statement log of a dry run equals that of the real run. `execute(sql)` runs SQL as written;
    `execute(sql, params)` runs it as a SQLAlchemy `text()` with bound parameters (a list of
    mappings executes many). `log` records a statement a kind ran through its driver
    itself (PostgreSQL COPY). `resume` is the data of the last committed checkpoint when a
    chunked step continues after an interruption.
    """

    target: DatabaseTarget | TreeTarget
    dialect: str
    execute: Callable[..., Any]
    start_position: int = 0
    dry_run: bool = False
    cancelled: Callable[[], bool] = lambda: False
    resume: Mapping[str, Any] = field(default_factory=dict)
    log: Callable[[str], None] = lambda sql: None
    config: Any = None  # the ProjectConfig, for kinds that open a second database
    applied: Mapping[str, Any] = field(default_factory=dict)  # rollback: how the apply ended
    session: Connection | None = None  # the database connection of the step's transaction

    @property
    def connection(self) -> Connection:
        if self.session is None:
            raise UsageError(
                f"this step needs a database connection, and its target {self.target.name}"
                " has none",
                "run steps of this kind against a database target",
            )
        return self.session


class Kind(Protocol):
    """`chunked = True` (optional attribute) asks the engine to commit after every checkpoint,
    with the ledger checkpoint in the same transaction (data steps); otherwise a step is one
    transaction where the dialect allows."""

    kind: str
    compensator: Compensator | None  # undoes statements that commit by themselves (sql)

    def analyze(self, step: Step, dialect: str) -> Impact: ...

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]: ...

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]: ...

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]: ...

    # describing (plan, review, artifacts, the pre-push hook): words, operations, scripts
    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description: ...
