"""Real git repositories in temp dirs, with identities and dates pinned.

Fixtures:
  git_env   -- the environment every test runs git under (identity, dates, no user config)
  git_repo  -- a work tree on `main` with one commit, then `git migrate init` committed
  run_cli   -- the real CLI (`gitmigrate.cli.main.main`, the error boundary included) in-process
  run_subprocess -- the CLI as a separate process (`python -m gitmigrate`), for true end to end
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.initialise import init_project

PINNED_DATE = "2024-01-02T03:04:05+00:00"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Ada Tester",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": PINNED_DATE,
    "GIT_COMMITTER_NAME": "Ada Tester",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_COMMITTER_DATE": PINNED_DATE,
}


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def git(cwd: Path, *args: str, input: str | None = None, check: bool = True) -> str:
    """Run plain git (the tool under test is never used here) and return stdout."""
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=input, capture_output=True, text=True, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def make_repo(path: Path, *, initialise: bool = True) -> Path:
    """`git init` on main with one commit; optionally `git migrate init` (library) committed."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("# project\n")
    git(path, "add", "README.md")
    git(path, "commit", "-q", "-m", "initial commit")
    if initialise:
        init_project(GitRepo(path))
        git(path, "add", ".gitmigrate.toml", ".gitignore")
        git(path, "commit", "-q", "-m", "git migrate init")
    return path


def snapshot(path: Path) -> tuple[str, str, str]:
    """HEAD, every ref and the notes refs: compared before/after a command that must fail."""
    head = git(path, "rev-parse", "HEAD").strip()
    refs = git(path, "for-each-ref", "--format=%(refname) %(objectname)")
    branch = git(path, "symbolic-ref", "--quiet", "HEAD", check=False).strip()
    return head, refs, branch


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Pin identity and dates; ignore the user's and the system's git config."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS"):
        monkeypatch.delenv(var, raising=False)
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    return dict(IDENTITY)


@pytest.fixture
def git_repo(tmp_path: Path, git_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised project repository; the test's cwd is its work tree."""
    repo = make_repo(tmp_path / "project")
    monkeypatch.chdir(repo)
    return repo


CliRunner = Callable[..., CliResult]


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """`run_cli("log", "--json", cwd=repo, stdin="...")` -> CliResult, in this process.

    It goes through `main()`, the CLI's error boundary, exactly as the console script does.
    """
    from gitmigrate.cli.main import main

    def run(*args: str, cwd: Path | None = None, stdin: str = "") -> CliResult:
        capsys.readouterr()  # drop anything printed before
        argv = ["git-migrate"] + (["-C", str(cwd)] if cwd else []) + list(args)
        monkeypatch.setattr(sys, "argv", argv)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:  # pragma: no cover - main() always exits
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    yield run


@pytest.fixture
def run_subprocess() -> CliRunner:
    """The CLI as its own process (`python -m gitmigrate`), for true end-to-end checks."""

    def run(*args: str, cwd: Path | None = None, stdin: str = "") -> CliResult:
        proc = subprocess.run(
            [sys.executable, "-m", "gitmigrate", *args],
            cwd=cwd or Path.cwd(),
            input=stdin,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
