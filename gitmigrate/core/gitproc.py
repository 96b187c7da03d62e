"""Running git: finding the repository and the one subprocess path every git call takes.

GitRepo (gitstore.py) builds the repository's vocabulary (refs, objects, commits, log) on it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitmigrate.errors import GitMigrateError, NotARepositoryError, RepositoryStateError

_ENV_TO_STRIP = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE")


def _clean_env() -> dict[str, str]:
    """The environment without a hook's GIT_DIR/GIT_INDEX_FILE/GIT_WORK_TREE."""
    return {k: v for k, v in os.environ.items() if k not in _ENV_TO_STRIP}


class GitCommandError(GitMigrateError):
    """A git command failed in a way the caller did not expect."""


class GitProcess:
    """A non-bare repository with a work tree, found from `path` upwards, and the one way
    git-migrate runs git in it (`run`, `run_bytes`, `ok`)."""

    def __init__(self, path: Path | str | None = None) -> None:
        start = Path(path) if path is not None else Path.cwd()
        # Found with one `rev-parse` rather than GitPython, whose import alone costs ~100 ms
        # on every command; GitPython is loaded only when a single blob is read.
        try:
            proc = subprocess.run(
                [
                    "git",
                    "rev-parse",
                    "--is-bare-repository",
                    "--absolute-git-dir",
                    "--show-toplevel",
                ],
                cwd=start,
                capture_output=True,
                env=_clean_env(),
                check=False,
            )
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise NotARepositoryError(
                f"{start} does not exist or is not a directory", "check the path"
            ) from exc
        lines = proc.stdout.decode(errors="replace").splitlines()
        if not lines:
            raise NotARepositoryError(
                f"{start} is not inside a git repository",
                "run `git init` first, or cd into your project",
            )
        if lines[0] == "true" or len(lines) < 3:
            where = "is a bare repository" if lines[0] == "true" else "is not in a work tree"
            raise RepositoryStateError(
                f"{start} {where}; git-migrate needs a work tree",
                "clone it (`git clone <bare> <dir>`) and run the command in the clone"
                if lines[0] == "true"
                else "cd into the work tree of the repository",
            )
        self.git_dir = Path(lines[1])
        self.root = Path(lines[2])
        self._gitpython: Any = None

    # -- running git --------------------------------------------------------------------

    def run(
        self,
        *args: str,
        input: str | bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> str:
        """Run `git args...` in the work tree and return stdout (text, trailing newline kept)."""
        code, stdout, stderr = self.run_bytes(*args, input=input, env=env)
        if check and code != 0:
            raise GitCommandError(
                f"git {' '.join(args[:3])} failed: {stderr.decode(errors='replace').strip()}",
                "see the git message above; your repository was not changed by git-migrate",
            )
        return stdout.decode(errors="replace")

    def run_bytes(
        self,
        *args: str,
        input: str | bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes, bytes]:
        """(exit code, stdout, stderr) of `git args...`.

        stdin and stderr go through temporary files so that stdout, the only pipe, is read in
        one go: no select loop, no deadlock however large the input or the output.
        """
        full_env = _clean_env()
        full_env.update(env or {})
        data = input.encode() if isinstance(input, str) else input
        with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as stdin:
            if data:
                stdin.write(data)
                stdin.seek(0)
            proc = subprocess.run(
                ["git", *args],
                cwd=self.root,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=err,
                env=full_env,
                check=False,
            )
            err.seek(0)
            return proc.returncode, proc.stdout, err.read()

    def ok(self, *args: str) -> bool:
        """True when `git args...` exits 0 (for questions such as "does this ref exist")."""
        return (
            subprocess.run(
                ["git", *args], cwd=self.root, capture_output=True, env=_clean_env(), check=False
            ).returncode
            == 0
        )
