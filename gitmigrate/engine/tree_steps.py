"""Where a tree step runs and what it is handed: the helpers tree_run.py, status and verify share.

A tree step runs against the tree its step names (`target = "NAME"` under [options] in
step.toml, a `path` target of `.gitmigrate.toml`), else the repository itself; a command whose
`--target` is a tree target runs every tree step against that tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from gitmigrate.core.config import REPOSITORY, TREE, ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.kinds import StepContext
from gitmigrate.engine.registry import get_kind
from gitmigrate.engine.target import open_tree_target, target_sort
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import StepFailedError, TargetError

TREE_DIALECT = "tree"  # StepContext.dialect of a tree step: it runs no SQL


_SORTS: dict[str, str] = {}  # kind name -> target sort: finding a kind scans entry points


def is_tree_step(step: Step) -> bool:
    """True when the step's kind runs against a tree target (its `target_sort`)."""
    sort = _SORTS.get(step.kind)
    if sort is None:
        sort = _SORTS[step.kind] = target_sort(get_kind(step.kind))
    return sort == TREE


def tree_name(step: Step, override: str | None = None) -> str:
    """The tree target a tree step runs against: the run's tree target, the step's, or "."."""
    named = step.options.get("target")
    return override or (str(named) if named else REPOSITORY)


def tree_context(
    target: TreeTarget,
    *,
    dry_run: bool,
    cancelled: Callable[[], bool] = lambda: False,
    start: int = 0,
    resume: dict[str, Any] | None = None,
    applied: dict[str, Any] | None = None,
    config: Any = None,
    log: Callable[[str], None] = lambda line: None,
) -> StepContext:
    """The StepContext of a tree step: the target (its `root` is the directory), no session;
    `log` records what the kind changes (the lines a dry run shows)."""

    def no_sql(sql: str, params: Any = None) -> Any:
        raise StepFailedError(
            "", f"a tree step cannot run SQL ({sql[:60]!r})", "run SQL in a database step"
        )

    return StepContext(
        target,
        TREE_DIALECT,
        no_sql,
        start,
        dry_run,
        cancelled,
        resume=dict(resume or {}),
        log=log,
        config=config,
        applied=dict(applied or {}),
    )


def read_tree_rows(
    repo: GitRepo,
    config: ProjectConfig,
    steps: Iterable[Step],
    override: str | None = None,
    *,
    unreachable: dict[str, str] | None = None,
) -> dict[str, LedgerRow]:
    """The ledger rows of these tree steps, each from its tree's ledger file (no lock: a read).
    With `unreachable`, a tree that cannot be opened here (a deployed directory on another
    machine) is not an error: its steps map to the reason there instead."""
    rows: dict[str, LedgerRow] = {}
    by_tree: dict[str, list[Step]] = {}
    for step in steps:
        by_tree.setdefault(tree_name(step, override), []).append(step)
    for name, group in by_tree.items():
        try:
            found = open_tree_target(config, repo, name).ledger().rows()
        except TargetError as exc:
            if unreachable is None:
                raise
            unreachable.update({s.id: exc.message for s in group})
            continue
        rows.update({s.id: found[s.id] for s in group if s.id in found})
    return rows
