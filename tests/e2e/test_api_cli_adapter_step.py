"""`git migrate api adapter OLD NEW --out DIR` commits helper AD's generated package as a step:
its files under DIR, their copies in the step, the changes it cannot map listed (and shown by
review as [options] manual); the generated package's own tests pass in the project; a --out
that is no package name is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures_git import CliRunner, git, snapshot
from tests.unit.test_api_kind_support import TODAY, needs_checks, v1_then_v2


@needs_checks
def test_the_adapter_step(run_cli: CliRunner, git_repo: Path) -> None:
    first = v1_then_v2(git_repo)
    assert run_cli("start", "pets-v2").exit_code == 0
    old = f"{first}:openapi.yaml"
    before = snapshot(git_repo)
    bad = run_cli("api", "adapter", old, "openapi.yaml", "--out", "app/v1-adapter")
    assert bad.exit_code == 2 and "Python package name" in bad.stderr
    assert snapshot(git_repo) == before
    made = run_cli("api", "adapter", old, "openapi.yaml", "--out", "app/v1_adapter",
                   "--today", TODAY, "-m", "serve v1 on v2")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert (
        "the adapter cannot map api-removed-before-sunset at GET /pets/{petId}/photo" in made.stderr
    )
    shown = git(git_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "app/v1_adapter/__init__.py" in shown
    assert any(p.endswith("/outputs/app/v1_adapter/__init__.py.out") for p in shown)
    review = run_cli("review")
    manual = next(ln for ln in review.stdout.splitlines() if ln.startswith("manual = ["))
    assert '"api-removed-before-sunset at GET /pets/{petId}/photo"' in manual
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "app/v1_adapter"], cwd=git_repo,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
