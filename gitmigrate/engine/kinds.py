"""The kind contract: everything the rest of git-migrate knows about a step, it asks the step's
kind through this protocol; nothing outside `gitmigrate/kinds/` compares kind names
(tests/unit/test_no_kind_names.py holds that).

The engine owns order, locking, ledger, notes, progress and signals; a kind only touches its
target. Adding a kind means one module (or package) with a class satisfying `Kind`, registered in
`core/kindlookup.BUILTIN` or through the entry-point group `gitmigrate.executors`.

A kind's `apply`/`rollback` are generators: each yielded Checkpoint is a point where the work so
far may be made durable (the engine writes the ledger checkpoint in the same transaction as the
work it covers) and where an interrupt may stop the run.

Optional capabilities are declared attributes, never probed with getattr:

- `chunked`: the engine commits after every checkpoint, with the ledger checkpoint in the same
  transaction (data steps); otherwise a step is one transaction where the dialect allows.
- `compensator`: undoes the completed part of a failed step where the target could not roll it
  back (DDL on MariaDB); None when the kind has no such undo.
- `push_checker`: judges one migration's steps of the kind together before a push (review and
  the pre-push hook); None when each step's own lint says everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo

# the step reader's and the step note's, re-exported: core asks a kind through them
from gitmigrate.core.kindlookup import Problem as Problem
from gitmigrate.core.kindlookup import RowCounts as RowCounts
from gitmigrate.core.model import Step
from gitmigrate.engine.capabilities import Compensator as Compensator
from gitmigrate.engine.capabilities import PushChecker as PushChecker
from gitmigrate.engine.description import Description
from gitmigrate.errors import UsageError

if TYPE_CHECKING:  # read-only commands (log, status) load kinds but never sqlalchemy
    from sqlalchemy.engine import Connection

    from gitmigrate.engine.target import DatabaseTarget, TreeTarget

TargetSort = Literal["database", "tree"]


@dataclass(frozen=True)
class Work:
    """What a step does, as the estimator sees it: one operation per statement (e.g. "ALTER
    TABLE"; a data step is one operation such as "DATA SET") and the rows, when known."""

    operations: tuple[str, ...]
    rows: int | None = None


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
    line: int | None = None  # where in the step's files, when the kind knows it
    hint: str | None = None  # what gets out, when the kind knows better than the engine


@dataclass(frozen=True)
class AuthorRequest:
    """What a command asks a kind to author: the summary, the resolved dialect and the kind's
    own options (typed values from its command, or `key=value` strings from `add KIND`)."""

    repo: GitRepo
    config: ProjectConfig
    migration: str
    summary: str
    dialect: str
    options: Mapping[str, Any] = field(default_factory=dict)
    irreversible: str | None = None


@dataclass(frozen=True)
class StepFiles:
    """What `Kind.author` returns: the step's files (step.toml excluded), its `[options]`, why
    it cannot be rolled back (None when it can), further top-level step.toml keys, and the
    project files the step changes (path relative to the repository root -> new bytes, None
    to delete): a code or config step's change itself, committed in the step's commit; and
    the untracked files that change was computed from (`consumed`)."""

    files: dict[str, bytes]
    options: dict[str, Any] = field(default_factory=dict)
    irreversible: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    project_files: dict[str, bytes | None] = field(default_factory=dict)
    # untracked work-tree files the change was computed from (path -> the bytes read): the step
    # may replace them while they still hold those bytes (encrypting a new secrets file in
    # place, which must not be committed in plaintext first)
    consumed: dict[str, bytes] = field(default_factory=dict)


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
    """One sort of step. See the module docstring for the optional capabilities."""

    name: str
    target_sort: TargetSort  # "database": runs against a database target; "tree": files
    chunked: bool
    compensator: Compensator | None

    @property
    def push_checker(self) -> PushChecker | None: ...

    def author(self, request: AuthorRequest) -> StepFiles:
        """Options -> the step's files, every check done (nothing is committed on error)."""
        ...

    def check(self, step: Step) -> list[Problem]:
        """Whether the step's files are well formed (missing rollback file, ...)."""
        ...

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        """Whether the step can run on a target of `dialect` (a SQL step written for another
        dialect cannot); asked for every step before a run starts. Tree steps get "tree"."""
        ...

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        """The kind's part of the step note (`impact`, `lint`, ...): facts derivable from the
        files, so a missing note is recomputed. Keys are only ever added over time."""
        ...

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        """The step's operations as the estimator sees them."""
        ...

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        """Findings that block a run of the forward direction (none that `allow` accepts)."""
        ...

    def analyze(self, step: Step, dialect: str) -> Impact:
        """The forward impact before a run (derived from the same code as `note`)."""
        ...

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        """The impact of rolling the step back, before a rollback run."""
        ...

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]: ...

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]: ...

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]: ...

    # describing (plan, review, artifacts, the pre-push hook): words, operations, scripts
    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description: ...
