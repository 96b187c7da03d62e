"""`git migrate plan` as a library call on a real migration (SQL steps + a data step) in a temp
repository: every artifact is written, says what the facts say, is deterministic, and nothing
is written outside the output directory."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gitmigrate.artifacts.gather import PlanOptions
from gitmigrate.artifacts.generate import PlanResult, generate
from gitmigrate.errors import UsageError
from tests.artifacts_support import add_data_step
from tests.engine_helpers import Project

T1 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
T2 = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


def read(result: PlanResult, name: str) -> str:
    return (result.output_dir / name).read_text()


def test_every_artifact_is_written_under_docs_plan_outputs(project: Project) -> None:
    result = generate(project.repo, PlanOptions(), now=T1)
    out = project.path / "docs" / "plan-outputs" / "customers"
    assert result.output_dir == out
    scripts = sorted(p.name for p in (out / "migration-scripts").iterdir())
    assert scripts == [
        "001-create-customer.down.sql", "001-create-customer.post-check.sql",
        "001-create-customer.up.sql", "002-seed-customers.down.sql",
        "002-seed-customers.pre-check.sql", "002-seed-customers.up.sql",
        "003-add-tier-and-email-index.down.sql", "003-add-tier-and-email-index.pre-check.sql",
        "003-add-tier-and-email-index.up.sql", "004-drop-customer-name.backup.sql",
        "004-drop-customer-name.down.sql", "004-drop-customer-name.pre-check.sql",
        "004-drop-customer-name.up.sql", "005-lower-case-customer-emails.backup.sql",
        "005-lower-case-customer-emails.down.sql", "005-lower-case-customer-emails.post-check.sql",
        "005-lower-case-customer-emails.pre-check.sql", "005-lower-case-customer-emails.up.sql",
        "run.sh",
    ]  # fmt: skip
    assert {p.name for p in out.iterdir()} == {
        "migration-plan.md", "rollback-plan.md", "validation-report.md", "migration-scripts",
    }  # fmt: skip
    assert set(result.written) == {p for p in out.rglob("*") if p.is_file()}
    assert (out / "migration-scripts" / "run.sh").stat().st_mode & 0o111


def test_migration_plan_states_impact_risks_and_validation(project: Project) -> None:
    plan = read(generate(project.repo, PlanOptions(), now=T1), "migration-plan.md")
    for heading in ("## Current state", "## Target state", "## Strategy", "## Steps",
                    "## Risk assessment", "## Validation strategy"):  # fmt: skip
        assert heading in plan
    assert "every step is pending everywhere" in plan
    for title in ("001 create customer (sql)", "004 drop customer name (sql)",
                  "005 lower-case customer emails (data)"):  # fmt: skip
        assert f"### {title}" in plan
    assert "| destructive | yes: drops column customer.name |" in plan
    assert "| warning | dropping-column |" in plan  # the lint finding of step 004
    assert "| set | email = lower(email) |" in plan
    assert "| before-images | gitmigrate_bk_customers_005 |" in plan
    assert re.search(
        r"\| high \| customers/004 \| destructive: drops column customer.name \|", plan
    )
    assert "| low | customers/002 | no verify.sql" in plan
    assert "static: static cost of 2 statement(s)" in plan  # 003's estimate and its basis
    assert "`git migrate verify`" in plan and "`git migrate schema drift`" in plan


def test_rollback_plan_goes_newest_first_with_irreversible_steps_on_top(project: Project) -> None:
    project.step("drop customer", "DROP TABLE customer;\n", irreversible="the rows are gone")
    plan = read(generate(project.repo, PlanOptions(), now=T1), "rollback-plan.md")
    top, _, steps = plan.partition("## Steps, newest first")
    assert "**customers/006 drop customer**: the rows are gone" in top
    order = [int(n) for n in re.findall(r"^### (\d{3}) ", steps, re.M)]
    assert order == [6, 5, 4, 3, 2, 1]
    assert "cannot be undone: the rows are gone" in steps
    assert "git migrate rollback --to 004" in steps  # undoing 005 keeps 004
    assert "before-images kept in gitmigrate_bk_customers_005" in steps
    assert "drops table customer (data written since the step is lost)" in steps  # 001's down


def test_regenerating_changes_only_the_timestamp_line(project: Project) -> None:
    first = generate(project.repo, PlanOptions(), now=T1)
    before = {p: p.read_text() for p in first.written}
    second = generate(project.repo, PlanOptions(), now=T2)
    assert set(second.written) == set(before)
    for path, old in before.items():
        new = path.read_text()
        changed = [
            (a, b) for a, b in zip(old.splitlines(), new.splitlines(), strict=True) if a != b
        ]
        if path.suffix == ".md":
            assert len(changed) == 1 and "Generated at 2026-01-02T03:04:05Z" in changed[0][0]
            assert "Generated at 2026-02-03T04:05:06Z" in changed[0][1]
        else:
            assert changed == []


def test_stale_scripts_are_removed_and_nothing_is_written_outside(
    project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "plans"
    scripts = out / "migration-scripts"
    scripts.mkdir(parents=True)
    (scripts / "009-gone.up.sql").write_text("-- an earlier generation\n")
    (scripts / "notes.txt").write_text("kept: not a generated name\n")
    result = generate(project.repo, PlanOptions(), out, now=T1)
    assert not (scripts / "009-gone.up.sql").exists() and (scripts / "notes.txt").exists()
    assert result.removed == (scripts / "009-gone.up.sql",)
    assert not (project.path / "docs").exists()  # --output replaces the default

    outside = tmp_path / "outside.sql"
    outside.write_text("precious\n")
    (scripts / "001-create-customer.up.sql").unlink()
    (scripts / "001-create-customer.up.sql").symlink_to(outside)
    with pytest.raises(UsageError, match="leads outside the output directory"):
        generate(project.repo, PlanOptions(), out, now=T1)
    assert outside.read_text() == "precious\n"


def test_a_data_step_that_is_not_sql_stops_run_sh_and_says_how(project: Project) -> None:
    add_data_step(
        project.repo,
        "copy legacy customers",
        {"mode": "copy", "source": "legacy", "tables": ["customer"]},
        "sqlite",
    )
    result = generate(project.repo, PlanOptions(), now=T1)
    script = read(result, "migration-scripts/006-copy-legacy-customers.up.sql")
    assert "no SQL form" in script
    assert "git migrate apply --migration customers --to 006" in script
    runsh = read(result, "migration-scripts/run.sh")
    body = runsh.split("up_006() {", 1)[1].split("\n}\n", 1)[0]
    assert (
        "has no SQL form; apply it with: git migrate apply --migration customers --to 006" in body
    )
    assert "run_tx" not in body


def test_plan_needs_a_migration(project: Project) -> None:
    project.git("switch", "-q", "main")
    with pytest.raises(UsageError, match="not a migration branch"):
        generate(project.repo, PlanOptions())
    with pytest.raises(UsageError, match="no migration named 'nope'"):
        generate(project.repo, PlanOptions(name="nope"))
    assert generate(project.repo, PlanOptions(name="customers"), now=T1).model.steps
