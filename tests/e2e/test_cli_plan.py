"""`git migrate plan` through the CLI in a temp repository: the paths it prints, --json,
--output, the validation report after `apply` (who, when, which commit, which target), and no
password in any artifact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.artifacts_support import build_migration
from tests.engine_helpers import Project, make_project
from tests.fixtures_db import fresh_database_url
from tests.fixtures_git import CliResult, CliRunner, git


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_plan_prints_the_paths_it_wrote(project: Project, run_cli: CliRunner) -> None:
    git_repo = project.path
    printed = ok(run_cli("plan")).stdout.splitlines()
    assert "docs/plan-outputs/customers/migration-plan.md" in printed
    assert "docs/plan-outputs/customers/migration-scripts/run.sh" in printed
    assert printed[-1] == (
        "plan for customers (5 step(s), sqlite): 22 file(s) in docs/plan-outputs/customers"
    )

    elsewhere = ok(run_cli("plan", "customers", "--output", "review", "--json"))
    doc = json.loads(elsewhere.stdout)
    assert doc["output"] == str(git_repo / "review")
    assert len(doc["written"]) == 22 and doc["target"] is None
    assert doc["estimates"]["customers/003"]["source"] == "static"
    assert (git_repo / "review" / "rollback-plan.md").is_file()


def test_validation_report_after_apply_is_an_audit_trail(
    project: Project, run_cli: CliRunner
) -> None:
    git_repo = project.path
    git(git_repo, "config", "user.email", "ada@example.com")
    head = git(git_repo, "rev-parse", "HEAD").strip()
    ok(run_cli("apply", "--yes"))
    ok(run_cli("plan", "--target", "db"))
    out = git_repo / "docs" / "plan-outputs" / "customers"
    report = (out / "validation-report.md").read_text()
    runs = report.split("## Runs", 1)[1].split("## Pre-checks", 1)[0]
    assert "| apply | db | ada@example.com on " in runs
    assert f"| {head[:12]} |" in runs  # the commit HEAD was at when it ran
    assert (
        "customers/001, customers/002, customers/003, customers/004, customers/005 | ok |" in runs
    )
    per_step = report.split("## Per-step results", 1)[1].split("## Checkpoints", 1)[0]
    for n in range(1, 6):
        assert f"| db | customers/00{n} | step_applied |" in per_step
    assert "rows 2" in per_step  # the data step's own count of changed rows
    assert "`git migrate verify`: 5 applied step(s) checked, 0 finding(s)." in report
    assert "None: the schema of `db` equals the one its applied steps produce." in report
    plan = (out / "migration-plan.md").read_text()
    assert "On target `db` (its ledger): 5 of 5 step(s) applied." in plan
    assert "(history: median of 1 earlier run(s) of this step on db)" in plan


@pytest.mark.postgres
def test_no_password_reaches_an_artifact(
    git_repo: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    with fresh_database_url("postgresql", tmp_path) as url:
        project = make_project(url, git_repo)
        build_migration(project)
        secret_url = url.replace("://postgres@", "://postgres:s3cret-pw@")
        assert "s3cret-pw" in secret_url
        ok(run_cli("plan", "--target", secret_url))
        out = git_repo / "docs" / "plan-outputs" / "customers"
        texts = [p.read_text() for p in out.rglob("*") if p.is_file()]
        assert texts and not any("s3cret-pw" in t for t in texts)
        assert "postgres:***@" in (out / "migration-plan.md").read_text()


def test_plan_outside_a_migration_branch_is_a_usage_error(
    project: Project, run_cli: CliRunner
) -> None:
    git_repo = project.path
    git(git_repo, "switch", "-q", "main")
    result = run_cli("plan")
    assert result.exit_code == 2
    assert "not a migration branch" in result.stderr
    assert not (git_repo / "docs").exists()
