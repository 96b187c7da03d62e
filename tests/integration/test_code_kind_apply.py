"""A code step through apply and rollback on the repository: apply verifies (the files parse
and hold the change) and runs the recorded verify command only when asked (`--run-verify`, or
a confirmation); rollback is the inverse commit, byte for byte, and a conflict with later edits
is reported, never resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate import api
from tests.fixtures_git import CliRunner, git
from tests.unit.test_code_kind_support import MODELS, TESTS, commit_all, recipe_file

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "tests/test_models.py": TESTS}


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "verify-ran.txt"


@pytest.fixture
def project(git_repo: Path, run_cli: CliRunner, marker: Path) -> Path:
    recipe_file(git_repo / "tools" / "testkit.py")
    commit_all(git_repo, FILES)
    assert run_cli("start", "upgrade").exit_code == 0
    command = f"python -m pytest -q && echo ran >> {marker}"
    added = run_cli("code", "add", "tools/testkit.py", "--verify-cmd", command, "-m", "dump")
    assert added.exit_code == 0, added.stderr
    assert "passed in" in added.stdout
    assert marker.read_text() == "ran\n"  # it ran once, on the result, before the commit
    marker.unlink()
    return git_repo


def test_apply_does_not_run_the_command_unasked(
    project: Path, run_cli: CliRunner, marker: Path
) -> None:
    applied = run_cli("apply")
    assert applied.exit_code == 0, applied.stderr
    assert not marker.exists()


def test_apply_runs_it_with_run_verify(project: Path, run_cli: CliRunner, marker: Path) -> None:
    applied = run_cli("apply", "--run-verify")
    assert applied.exit_code == 0, applied.stderr
    assert marker.read_text() == "ran\n"


def test_a_confirmation_decides(project: Path, marker: Path) -> None:
    questions: list[str] = []

    def no(question: str) -> bool:
        questions.append(question)
        return False

    with api.code_verify_commands(confirm=no):
        api.apply(project)
    assert not marker.exists()
    assert len(questions) == 1 and "python -m pytest -q" in questions[0]


def test_a_failing_command_fails_the_apply(project: Path, run_cli: CliRunner) -> None:
    (project / "tests" / "test_models.py").write_text(TESTS + "\n\ndef test_no():\n    assert 0\n")
    commit_all(project, {}, "a failing test")
    applied = run_cli("apply", "--run-verify")
    assert applied.exit_code == 1
    assert "verify command `python -m pytest -q" in applied.stderr
    assert "fix it and apply again" in applied.stderr  # not "the change is not checked out"
    assert "not in the checked-out files" not in applied.stderr


def test_rollback_restores_the_files_byte_for_byte(project: Path, run_cli: CliRunner) -> None:
    assert run_cli("apply").exit_code == 0
    assert "model_dump()  # keep" in (project / "app" / "models.py").read_text()
    rolled = run_cli("rollback", "--all", "-y")
    assert rolled.exit_code == 0, rolled.stderr
    assert (project / "app" / "models.py").read_bytes() == MODELS.encode()
    assert "Migrate-Rollback: upgrade/001" in git(project, "log", "-1", "--format=%B")


def test_verify_finds_the_change_missing(project: Path, run_cli: CliRunner) -> None:
    assert run_cli("apply").exit_code == 0
    assert run_cli("verify").exit_code == 0
    (project / "app" / "models.py").write_text(MODELS)  # the change undone, not committed
    again = run_cli("verify")
    assert again.exit_code != 0
    assert "app/models.py does not hold the step's change" in again.stdout + again.stderr


def test_rollback_reports_a_conflict_with_later_edits(project: Path, run_cli: CliRunner) -> None:
    assert run_cli("apply").exit_code == 0
    text = (project / "app" / "models.py").read_text()
    commit_all(project, {"app/models.py": text.replace("model_dump()  # keep", "x()  # keep")})
    head = git(project, "rev-parse", "HEAD")
    rolled = run_cli("rollback", "--all", "-y")
    assert rolled.exit_code != 0
    assert "does not apply to the checked-out tree" in rolled.stderr
    assert git(project, "rev-parse", "HEAD") == head
    assert "x()  # keep" in (project / "app" / "models.py").read_text()
