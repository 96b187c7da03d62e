"""docs/api.md's example is a program: run it in a fresh repository so the page cannot go
stale, and check that what it prints is what the API did."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.fixtures_git import make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "docs/api.md should hold one runnable python block"
    return str(blocks[0])


def test_the_documented_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "project", initialise=False)  # the example runs init itself
    script = tmp_path / "example.py"
    script.write_text(example(), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "added add-users/002 with 0 lint finding(s)" in lines
    assert "dry run: ['add-users/001', 'add-users/002']" in lines
    assert any(re.fullmatch(r"add-users/001: applied in \d+\.\d\ds", line) for line in lines)
    assert "2 step(s) applied on dev" in lines
    assert "{'add-users/001': 'applied', 'add-users/002': 'applied'}" in lines
    assert "2 step(s) rolled back" in lines
    assert "2 step(s) pending again" in lines
    # the rollbacks are recorded on the migration branch, as the CLI records them
    log = subprocess.run(
        ["git", "log", "--format=%s", "migrate/add-users"], cwd=repo, capture_output=True,
        text=True, check=True,
    ).stdout  # fmt: skip
    assert log.splitlines()[:2] == ["rollback: users table", "rollback: index users by e-mail"]
