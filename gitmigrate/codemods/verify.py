"""Running a verify command (`pytest -q`) on a recipe's result before it is committed: in a
separate `git worktree add` of HEAD with the changed files written there (the user's work tree
is never touched), in the current environment (PATH, virtualenv), stopped at a timeout with
its whole process group. The output is captured for the caller to show.

    outcome = verify_in_worktree(repo_root, {"app/models.py": "..."}, "pytest -q", timeout=600)
    outcome.passed, outcome.words(), outcome.output
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.errors import BlockedError, UsageError

DEFAULT_TIMEOUT = 600.0
OUTPUT_LIMIT = 200_000  # characters of output kept (the tail)


@dataclass(frozen=True)
class VerifyOutcome:
    command: str
    exit_code: int | None  # None: stopped at the timeout
    seconds: float
    output: str
    timeout: float

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def words(self) -> str:
        if self.exit_code is None:
            return f"timed out after {self.timeout:g}s (stopped)"
        verdict = "passed" if self.passed else f"failed (exit {self.exit_code})"
        return f"{verdict} in {self.seconds:.1f}s"

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 2),
            "outcome": self.words(),
            "passed": self.passed,
        }


class VerifyCommandFailed(BlockedError):
    """The verify command failed or timed out: the step is not committed. `outcome.output`
    is what the command printed, for the caller to show."""

    def __init__(self, outcome: VerifyOutcome) -> None:
        hint = (
            "nothing was committed; fix the command's hang or raise --verify-timeout"
            if outcome.exit_code is None
            else "nothing was committed; its output is above: fix the cause (or the recipe's"
            " result by hand) and add the step again"
        )
        super().__init__(f"verify command `{outcome.command}` {outcome.words()}", hint)
        self.outcome = outcome


def run_command(command: str, cwd: Path, timeout: float) -> VerifyOutcome:
    """Run `command` through the shell in `cwd`; past `timeout` seconds its process group is
    killed (a hanging test suite and the processes it started)."""
    if timeout <= 0:
        raise UsageError(f"--verify-timeout {timeout:g} is not positive", "give seconds, e.g. 600")
    started = time.monotonic()
    proc = subprocess.Popen(  # noqa: S602 - the user's own command line, run as they typed it
        command,
        shell=True,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, _ = proc.communicate()
        code = None
    text = out.decode("utf-8", "replace")[-OUTPUT_LIMIT:]
    return VerifyOutcome(command, code, time.monotonic() - started, text, timeout)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=2)
            return
        except subprocess.TimeoutExpired:
            continue


def verify_in_worktree(
    root: Path, changed: Mapping[str, str], command: str, timeout: float = DEFAULT_TIMEOUT
) -> VerifyOutcome:
    """Check out HEAD in a temporary worktree, copy the untracked files git does not ignore,
    write `changed` there, run `command` at its root, then remove the worktree."""
    scratch = Path(tempfile.mkdtemp(prefix="gitmigrate-verify-"))
    tree = scratch / "tree"
    _git(root, "worktree", "add", "--detach", "--quiet", str(tree), "HEAD")
    try:
        untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
        for rel in (p for p in untracked.split("\0") if p):
            if (root / rel).is_file():
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / rel, tree / rel)
        for rel, text in changed.items():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            (tree / rel).write_bytes(text.encode("utf-8"))
        return run_command(command, tree, timeout)
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(tree)],
            cwd=root, capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=root, capture_output=True, check=False)


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    if proc.returncode != 0:
        raise UsageError(
            f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}",
            "the verify command needs a git repository with at least one commit",
        )
    return proc.stdout.decode("utf-8", "surrogateescape")
