"""The code kind on a real project: fixtures/code/inventory-app (Pydantic v1 + SQLAlchemy 1.4,
its own pytest suite) is copied into a fresh repository, whose tests fail on the installed
Pydantic 2 + SQLAlchemy 2. `git migrate code add pydantic2` and `code add sqlalchemy2
--verify-cmd "python -m pytest -q"` each commit one step; then the app's own tests pass, and
rollback of both steps restores every file of the app byte for byte.

Everything runs through the CLI as its own process (`python -m gitmigrate`), with this
interpreter's directory first on PATH, so the verify command's `python` is one that has
Pydantic 2, SQLAlchemy 2 and pytest (the issue: the verify command runs in the current
environment)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures_git import CliResult, git

APP = Path(__file__).resolve().parents[2] / "fixtures" / "code" / "inventory-app"
MIGRATION = "upgrade-libs"
# What each recipe must touch, and only that: repository.py's `data.copy()` is a dict's
# (a negative case for the Pydantic recipe). The ORM module needs no change for SQLAlchemy 2,
# but its string `relationship("Category")` may be turned into the class where resolvable.
PYDANTIC_FILES = {
    "inventory/pricing.py",
    "inventory/schemas.py",
    "inventory/service.py",
    "tests/test_pricing.py",
    "tests/test_schemas.py",
}
SQLALCHEMY_FILES = {"inventory/db.py", "inventory/reports.py", "inventory/repository.py"}


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "PYTHONDONTWRITEBYTECODE": "1"}


def cli(repo: Path, *args: str) -> CliResult:
    proc = subprocess.run(
        [sys.executable, "-m", "gitmigrate", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
        timeout=900,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def app_tests(repo: Path) -> subprocess.CompletedProcess[str]:
    """The app's own suite, as its developers run it (no cache dir left behind)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
        timeout=300,
    )


def tracked(repo: Path) -> dict[str, bytes]:
    """Every committed file of the app (the migration's own step files left out)."""
    names = git(repo, "ls-files", "-z").split("\0")
    return {
        name: (repo / name).read_bytes()
        for name in names
        if name and not name.startswith("migrations/")
    }


def step_files(repo: Path, commit: str = "HEAD") -> set[str]:
    changed = git(repo, "show", "--name-only", "--format=", commit).split()
    return {name for name in changed if not name.startswith("migrations/")}


@pytest.fixture
def app_repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """The app as its own repository: one commit, then `git migrate init` committed, then the
    migration branch started."""
    repo = tmp_path / "inventory-app"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", "*.db")
    shutil.copytree(APP, repo, ignore=ignore)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "inventory app on Pydantic v1 and SQLAlchemy 1.4")
    initialised = cli(repo, "init")
    assert initialised.exit_code == 0, initialised.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "git migrate init")
    started = cli(repo, "start", MIGRATION, "-m", "Pydantic 2 and SQLAlchemy 2")
    assert started.exit_code == 0, started.stderr
    return repo


def test_the_app_is_upgraded_verified_and_rolled_back(app_repo: Path) -> None:
    repo = app_repo
    original = tracked(repo)
    assert {"inventory/schemas.py", "inventory/db.py", "tests/test_service.py"} <= set(original)

    before = app_tests(repo)
    assert before.returncode != 0, before.stdout  # v1/1.4 code on Pydantic 2 + SQLAlchemy 2
    assert not git(repo, "status", "--porcelain").strip()

    head = git(repo, "rev-parse", "HEAD").strip()
    pydantic = cli(repo, "code", "add", "pydantic2", "-m", "Pydantic 2")
    assert pydantic.exit_code == 0, pydantic.stdout + pydantic.stderr
    first = git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "rev-parse", "HEAD~1").strip() == head  # one commit
    assert f"Migrate-Step: {MIGRATION}/001" in git(repo, "log", "-1", "--format=%B")
    assert step_files(repo) == PYDANTIC_FILES
    assert not git(repo, "status", "--porcelain").strip()
    schemas = (repo / "inventory/schemas.py").read_text()
    assert "regex=" not in schemas and "class Config" not in schemas
    assert "info.data" in schemas and "model_validator" in schemas
    assert "@validator(" not in schemas and "@root_validator" not in schemas
    service = (repo / "inventory/service.py").read_text()
    assert "parse_obj_as" not in service and "TypeAdapter" in service
    assert "model_dump_json()" in service and "model_validate(" in service
    assert "data.copy()" in (repo / "inventory/repository.py").read_text()  # a dict's copy

    sqlalchemy = cli(
        repo,
        "code",
        "add",
        "sqlalchemy2",
        "-m",
        "SQLAlchemy 2",
        "--verify-cmd",
        "python -m pytest -q",
        "--verify-timeout",
        "300",
    )
    assert sqlalchemy.exit_code == 0, sqlalchemy.stdout + sqlalchemy.stderr
    assert git(repo, "rev-parse", "HEAD~1").strip() == first
    assert f"Migrate-Step: {MIGRATION}/002" in git(repo, "log", "-1", "--format=%B")
    sqlalchemy_files = step_files(repo)
    assert SQLALCHEMY_FILES <= sqlalchemy_files <= SQLALCHEMY_FILES | {"inventory/orm.py"}
    assert not git(repo, "status", "--porcelain").strip()
    (step_toml,) = (repo / "migrations" / MIGRATION).glob("002-*/step.toml")
    assert "python -m pytest -q" in step_toml.read_text()  # the verify command is recorded
    assert "select([" not in (repo / "inventory/repository.py").read_text()

    after = app_tests(repo)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "14 passed" in after.stdout
    upgraded = tracked(repo)
    assert {n for n in original if original[n] != upgraded[n]} == PYDANTIC_FILES | sqlalchemy_files

    applied = cli(repo, "apply", "--target", ".")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    last = git(repo, "rev-parse", "HEAD").strip()
    rolled = cli(repo, "rollback", "--target", ".", "--all", "--yes")
    assert rolled.exit_code == 0, rolled.stdout + rolled.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Migrate-Rollback: {MIGRATION}/00" in message
    assert last in git(repo, "rev-list", "HEAD").split()  # inverse commits, no rewrite
    assert not git(repo, "status", "--porcelain").strip()
    assert tracked(repo) == original  # every file of the app, byte for byte
    assert app_tests(repo).returncode != 0  # and the old code fails on v2 again
