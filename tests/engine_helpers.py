"""A git-migrate project in a temp repo, pointed at one fresh database, for engine tests.

`make_project(db_url, repo_path)` writes `.gitmigrate.toml` with the target `db` = `db_url` (and
the matching dialect) and commits it; the returned Project authors steps through the library
(`start_migration`, `add_sql_step`) and runs the engine in-process, exactly as the CLI would.
It also reads the database and the repository behind the engine's back, to prove what changed.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from gitmigrate.core.authoring import SqlSource, start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.db.snapshot import schema_snapshot
from gitmigrate.db.url import dialect_name
from gitmigrate.engine.apply import ApplyOptions, RunResult, apply, resume
from gitmigrate.engine.rollback import RollbackOptions, rollback
from gitmigrate.kinds.sql.authoring import add_sql_step

TARGET = "db"


def git(cwd: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def write_config(path: Path, url: str, dialect: str) -> None:
    (path / ".gitmigrate.toml").write_text(
        "[migrate]\n"
        f'default_target = "{TARGET}"\n'
        f'dialect = "{dialect}"\n\n'
        f"[targets.{TARGET}]\n"
        f'url = "{url}"\n',
        encoding="utf-8",
    )


@dataclass
class Project:
    path: Path
    url: str
    dialect: str

    @property
    def repo(self) -> GitRepo:
        return GitRepo(self.path)

    # -- git ----------------------------------------------------------------------------------

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.path, *args, check=check)

    def refs(self) -> str:
        """Every ref with its value, notes refs included: equal before/after means untouched."""
        return self.git("for-each-ref", "--format=%(refname) %(objectname)")

    def notes_text(self, ref: str = "refs/notes/migrate-runs") -> str:
        """All note blobs of a notes ref, concatenated ('' when the ref does not exist)."""
        if not self.git("rev-parse", "--verify", "--quiet", ref, check=False).strip():
            return ""
        listing = self.git("ls-tree", "-r", ref).split("\n")
        blobs = [line.split()[2] for line in listing if line.strip()]
        return "".join(self.git("cat-file", "blob", sha) for sha in blobs)

    def commit_all(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    # -- authoring ----------------------------------------------------------------------------

    def start(self, name: str, from_ref: str = "HEAD") -> None:
        start_migration(self.repo, name, from_ref=from_ref)

    def step(
        self,
        summary: str,
        up: str,
        down: str | None = None,
        *,
        verify: str | None = None,
        irreversible: str | None = None,
    ) -> Step:
        if down is None and irreversible is None:
            down = "SELECT 1"
        return add_sql_step(
            self.repo,
            summary=summary,
            up=SqlSource(up, "up.sql"),
            down=SqlSource(down, "down.sql") if down is not None else None,
            verify=SqlSource(verify, "verify.sql") if verify is not None else None,
            irreversible=irreversible,
        )

    def step_dir(self, step: Step) -> Path:
        return self.path / step.path

    # -- engine -------------------------------------------------------------------------------

    def apply(self, target: str | None = TARGET, **options: Any) -> RunResult:
        confirm = options.pop("confirm", None)
        return apply(self.repo, ApplyOptions(target=target, **options), confirm=confirm)

    def resume(self, target: str | None = TARGET, **options: Any) -> RunResult:
        return resume(self.repo, ApplyOptions(target=target, **options))

    def rollback(self, target: str | None = TARGET, **options: Any) -> RunResult:
        confirm = options.pop("confirm", None)
        return rollback(self.repo, RollbackOptions(target=target, **options), confirm=confirm)

    # -- the database, read and written behind the engine's back ------------------------------

    def schema(self) -> dict[str, Any]:
        engine = create_target_engine(self.url)
        try:
            with engine.connect() as conn:
                return schema_snapshot(conn)
        finally:
            engine.dispose()

    def ledger(self) -> dict[str, LedgerRow]:
        engine = create_target_engine(self.url)
        try:
            return Ledger(engine).rows()
        finally:
            engine.dispose()

    def ledger_raw(self) -> list[dict[str, Any]]:
        """The ledger table as stored (no validation), [] when it does not exist."""
        engine = create_target_engine(self.url)
        try:
            with engine.connect() as conn:
                if not Ledger(engine).exists(conn):
                    return []
                result = conn.execute(text("SELECT * FROM gitmigrate_ledger ORDER BY step_id"))
                return [dict(row) for row in result.mappings()]
        finally:
            engine.dispose()

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement by hand, committed; rows if it returns any."""
        engine = create_target_engine(self.url)
        try:
            with engine.begin() as conn:
                result = conn.exec_driver_sql(statement)
                return [tuple(r) for r in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def state(self) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        """Schema, raw ledger and refs: what "nothing changed" compares."""
        return self.schema(), self.ledger_raw(), self.refs()

    # -- dialect-specific spellings -----------------------------------------------------------

    def drop_index(self, index: str, table: str) -> str:
        if self.dialect == "mysql":
            return f"DROP INDEX {index} ON {table}"
        return f"DROP INDEX {index}"


def make_project(db_url: str, repo_path: Path) -> Project:
    """Point the initialised repo at `db_url` (target `db`, the default) and commit that."""
    dialect = dialect_name(db_url)
    write_config(repo_path, db_url, dialect)
    git(repo_path, "config", "maintenance.auto", "false")  # no background gc after commits
    git(repo_path, "config", "gc.auto", "0")
    git(repo_path, "add", ".gitmigrate.toml")
    git(repo_path, "commit", "-q", "-m", "target: the test database")
    return Project(repo_path, db_url, dialect)


def clone(project: Project, dest: Path) -> Project:
    """A second clone of the project (same branches; notes are not cloned by default)."""
    git(project.path.parent, "clone", "-q", "--no-local", str(project.path), str(dest))
    for ref in project.git("for-each-ref", "--format=%(refname:short)", "refs/heads/").split():
        if ref != project.git("branch", "--show-current").strip():
            git(dest, "branch", "-q", "--track", ref, f"origin/{ref}", check=False)
    return Project(dest, project.url, project.dialect)
