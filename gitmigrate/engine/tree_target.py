"""A tree target: a directory that tree kinds (config, code, api, platform) change.

Two places, one shape:

- the repository itself (path "." in `.gitmigrate.toml`, the default for tree kinds): a step's
  commit *is* its change, so applying it only runs its verify, and rolling it back writes the
  inverse commit on the checked-out branch. Its ledger file and lock file live in the git
  directory, `<git-dir>/gitmigrate/ledger.json` and `<git-dir>/gitmigrate/lock`: never in the
  work tree (they would make it dirty, and a rollback refuses a dirty tree), never committed,
  one per work tree (each `git worktree` has its own checkout, hence its own record);
- an outside directory (a deployed config tree): steps are applied there by their kind, like
  database steps, with `.gitmigrate-ledger.json` and `.gitmigrate-lock` inside it.

Either way the run notes (refs/notes/migrate-runs) record the events, as for databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gitmigrate.core.config import TREE
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.db.ledger_version import LedgerUpgrade
from gitmigrate.engine.ledger_file import LedgerFile
from gitmigrate.engine.lockfile import LockClaim, LockFile
from gitmigrate.errors import TargetError

REPO_STATE_DIR = "gitmigrate"  # under the git directory
REPO_LEDGER = "ledger.json"
REPO_LOCK = "lock"
TREE_LEDGER = ".gitmigrate-ledger.json"
TREE_LOCK = ".gitmigrate-lock"
# what a tree step's own change never includes: git-migrate's files in an outside tree
STATE_FILES = (TREE_LEDGER, TREE_LOCK)


@dataclass(frozen=True)
class TreeTarget:
    name: str  # what logs, notes and messages show
    root: Path  # the directory the steps change
    repository: bool  # True: the repository's own work tree (the commit is the change)
    ledger_path: Path
    lock_file: LockFile = field(compare=False)

    @property
    def sort(self) -> str:
        return TREE

    @property
    def transactional(self) -> bool:
        return False  # a file system has no transaction: a failed step is undone by its kind

    def ledger(self, on_upgrade: Callable[[LedgerUpgrade], None] | None = None) -> LedgerFile:
        return LedgerFile(self.ledger_path, self.lock_file, on_upgrade)

    @contextmanager
    def lock(self, timeout: float) -> Iterator[LockClaim]:
        with self.lock_file.hold(timeout) as claim:
            yield claim

    def close(self) -> None:
        """Nothing to release: the lock is held only inside `lock()`."""


def repository_target(repo: GitRepo, name: str = ".") -> TreeTarget:
    """The repository's own work tree as a target."""
    git_dir = Path(repo.run("rev-parse", "--absolute-git-dir").strip())
    state = git_dir / REPO_STATE_DIR
    return TreeTarget(
        name=name,
        root=repo.root,
        repository=True,
        ledger_path=state / REPO_LEDGER,
        lock_file=LockFile(state / REPO_LOCK),
    )


def outside_target(name: str, root: Path) -> TreeTarget:
    """A directory other than the work tree as a whole (a deployed config tree)."""
    if not root.is_dir():
        raise TargetError(
            f"tree target {name!r}: {root} is not a directory",
            "create it, or fix path = ... in .gitmigrate.toml",
        )
    return TreeTarget(
        name=name,
        root=root,
        repository=False,
        ledger_path=root / TREE_LEDGER,
        lock_file=LockFile(root / TREE_LOCK),
    )
