"""The two sorts of target (DESIGN.md "Two sorts of target") and how a name resolves to one.

- DatabaseTarget: the ledger is a table in the database (db/ledger.py), the lock an advisory
  lock / GET_LOCK / flock with the lock row's epoch as fencing token (db/locks.py), and a step
  runs inside a transaction where the dialect has transactional DDL.
- TreeTarget (tree_target.py): the repository's work tree or an outside directory; the ledger
  is a JSON file (ledger_file.py), the lock a lock file with the same fencing (lockfile.py).

Both satisfy `Target`, the surface the engine's shared parts need: a display name, the sort,
whether work is transactional, the ledger, the lock. The database stepper additionally uses
the connection-level `Ledger` so that a ledger write commits with the step's own SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.engine import Engine

from gitmigrate.core.config import DATABASE, REPOSITORY, TREE, ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.db.connect import (
    Access,
    check_connection,
    create_target_engine,
    supports_transactional_ddl,
)
from gitmigrate.db.ledger import Ledger, LedgerRow, LedgerUpgrade
from gitmigrate.db.locks import target_lock
from gitmigrate.db.url import dialect_name, redact_url
from gitmigrate.engine.ledger_file import LedgerFile
from gitmigrate.engine.runlog import RunRecorder
from gitmigrate.engine.tree_target import TreeTarget, outside_target, repository_target
from gitmigrate.errors import ConfigError

if TYPE_CHECKING:  # the kind contract refers to targets; a kind is only read here
    from gitmigrate.engine.kinds import Kind

__all__ = [
    "DatabaseLedger",
    "DatabaseTarget",
    "Target",
    "TargetLedger",
    "TreeTarget",
    "open_database_target",
    "open_target",
    "open_tree_target",
    "target_sort",
    "upgrade_recorder",
]


class TargetLedger(Protocol):
    """The ledger as the engine's shared parts see it: each call is its own transaction."""

    def rows(self) -> dict[str, LedgerRow]: ...

    def version(self) -> int: ...

    def ensure(self) -> LedgerUpgrade | None: ...

    def upsert(self, row: LedgerRow) -> None: ...  # record "started" (or replace a row)

    def update(self, step_id: str, **fields: Any) -> None: ...  # checkpoint / applied / failed

    def delete(self, step_id: str) -> None: ...


class Target(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def sort(self) -> str: ...  # "database" | "tree"

    @property
    def transactional(self) -> bool: ...

    def ledger(self, on_upgrade: Callable[[LedgerUpgrade], None] | None = None) -> TargetLedger: ...

    def lock(self, timeout: float) -> AbstractContextManager[object]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class DatabaseTarget:
    name: str  # what logs, notes and messages show: the target's name or its redacted URL
    dialect: str
    engine: Engine

    @property
    def sort(self) -> str:
        return DATABASE

    @property
    def transactional_ddl(self) -> bool:
        return supports_transactional_ddl(self.dialect)

    @property
    def transactional(self) -> bool:
        return self.transactional_ddl

    def ledger(self, on_upgrade: Callable[[LedgerUpgrade], None] | None = None) -> DatabaseLedger:
        return DatabaseLedger(Ledger(self.engine, on_upgrade))

    @contextmanager
    def lock(self, timeout: float) -> Iterator[object]:
        with target_lock(self.engine, timeout=timeout) as handle:
            yield handle

    def close(self) -> None:
        self.engine.dispose()


class DatabaseLedger:
    """The ledger table behind the TargetLedger surface: one transaction per call."""

    def __init__(self, ledger: Ledger) -> None:
        self.table = ledger

    def rows(self) -> dict[str, LedgerRow]:
        return self.table.rows()

    def version(self) -> int:
        with self.table.engine.connect() as conn:
            return self.table.version(conn)

    def ensure(self) -> LedgerUpgrade | None:
        with self.table.engine.begin() as conn:
            return self.table.ensure(conn)

    def upsert(self, row: LedgerRow) -> None:
        with self.table.engine.begin() as conn:
            self.table.upsert(conn, row)

    def update(self, step_id: str, **fields: Any) -> None:
        with self.table.engine.begin() as conn:
            self.table.update(conn, step_id, **fields)

    def delete(self, step_id: str) -> None:
        with self.table.engine.begin() as conn:
            self.table.delete(conn, step_id)


def open_target(
    config: ProjectConfig,
    name_or_url: str | None,
    repo: GitRepo | None = None,
    access: Access = "write",
) -> DatabaseTarget | TreeTarget:
    """The target a name (or URL) means, of its sort: a `url` opens the database (and checks
    it answers), a `path` the tree. `repo` is needed only for the repository's own tree."""
    name = name_or_url or config.default_target  # the default target may be a tree too
    if name == REPOSITORY or (
        name is not None
        and "://" not in name
        and config.targets.get(name) is not None
        and config.targets[name].sort == TREE
    ):
        if repo is None:
            raise ConfigError(
                f"target {name!r} is a tree; this command works on databases",
                "name a database target (one with url = ...)",
            )
        return open_tree_target(config, repo, name)
    return open_database_target(config, name_or_url, access)


def open_database_target(
    config: ProjectConfig, name_or_url: str | None, access: Access = "write"
) -> DatabaseTarget:
    """A database target; a tree target's name is refused with a one-line error. `access`
    says whether a SQLite file may be created (apply), must exist, or is only read."""
    target = config.target(name_or_url)
    url = target.resolve_url()
    display = target.name if target.name != "(url)" else redact_url(url)
    engine = create_target_engine(url, base_dir=config.root, access=access)
    check_connection(engine, display)
    return DatabaseTarget(name=display, dialect=dialect_name(url), engine=engine)


def open_tree_target(config: ProjectConfig, repo: GitRepo, name: str | None) -> TreeTarget:
    """A tree target: None or "." is the repository itself, else a `path` target."""
    if name is None or name == REPOSITORY:
        return repository_target(repo)
    target = config.target(name)
    if target.sort != TREE:
        raise ConfigError(
            f"target {name!r} is a database (url), but tree steps need a tree",
            'give the step a tree target (path = "...") or leave `target` out for the repository',
        )
    root = target.resolve_path(config.root)
    if root == repo.root.resolve():
        return repository_target(repo, name)
    return outside_target(name, root)


def target_sort(kind: Kind) -> str:
    """The sort of target a kind's steps run against: its declared `target_sort`
    ("database" | "tree"), checked because a plug-in may declare anything."""
    sort: object = kind.target_sort
    if sort not in (DATABASE, TREE):
        raise ConfigError(
            f"kind {kind.name!r} declares target_sort = {sort!r}",
            f"a kind's target_sort is {DATABASE!r} or {TREE!r}; fix the plug-in",
        )
    return str(sort)


def upgrade_recorder(recorder: RunRecorder, anchor: str | None) -> Callable[[LedgerUpgrade], None]:
    """Record a ledger upgrade in the run notes (`ledger_upgraded`, with from/to)."""

    def record(upgrade: LedgerUpgrade) -> None:
        recorder.event(
            "ledger_upgraded",
            None,
            anchor,
            from_version=upgrade.from_version,
            to_version=upgrade.to_version,
        )

    return record


# both sorts satisfy the protocols the engine's shared parts use (mypy checks these lines)
_TARGETS: tuple[type[Target], ...] = (DatabaseTarget, TreeTarget)
_LEDGERS: tuple[type[TargetLedger], ...] = (DatabaseLedger, LedgerFile)
