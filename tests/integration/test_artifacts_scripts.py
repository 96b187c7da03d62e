"""The scripts in migration-scripts/ really run: run.sh (sqlite3 / psql) produces the same schema
and data as `git migrate apply` on a second database, a second run applies nothing, the engine
accepts what run.sh recorded (and the other way round), and `run.sh down` restores."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.artifacts.gather import PlanOptions
from gitmigrate.artifacts.generate import generate
from gitmigrate.core.catalog import load_migration
from gitmigrate.engine.apply import ApplyOptions, apply
from gitmigrate.engine.rollback import RollbackOptions, rollback
from tests.artifacts_support import (  # noqa: F401 - fixtures
    build_migration,
    build_template,
    copy_project,
    dump,
    ledger_rows,
    run_sh,
)
from tests.engine_helpers import Project, make_project
from tests.fixtures_db import fresh_database_url

ALLOW = frozenset({"require-concurrent-index-creation"})  # PostgreSQL lint error of step 003
IDS = [f"customers/00{n}" for n in range(1, 6)]


@pytest.mark.parametrize(
    "dialect",
    [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_run_sh_matches_apply_is_idempotent_and_down_restores(
    dialect: str, git_repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        fresh_database_url(dialect, tmp_path / "a") as by_hand,
        fresh_database_url(dialect, tmp_path / "b") as by_engine,
    ):
        project = make_project(by_hand, git_repo)
        steps = build_migration(project)
        empty = dump(by_hand)
        scripts = generate(project.repo, PlanOptions()).output_dir / "migration-scripts"

        first = run_sh(scripts, "up", by_hand)
        assert first.returncode == 0, first.stderr
        for step in steps:
            assert f"{step.dir_name}.up.sql + ledger row (one transaction)" in first.stdout
        assert "post-check ok" in first.stdout and "rows_to_change" in first.stdout
        assert "NOTICE" not in first.stderr

        second = run_sh(scripts, "up", by_hand)
        assert second.returncode == 0, second.stderr
        assert second.stdout.count("already applied, skipped") == 5
        assert "ledger row" not in second.stdout

        applied = apply(project.repo, ApplyOptions(target=by_engine, yes=True, allow=ALLOW))
        assert [r.step.id for r in applied.runs] == IDS
        schema, rows = dump(by_hand)
        assert (schema, rows) == dump(by_engine)
        if dialect != "mysql":  # MariaDB's default collation finds no upper-case email
            assert rows["customer"] == [
                (1, "ada@example.com", None), (2, "bob@example.com", None),
                (3, "carol@x.org", None),
            ]  # fmt: skip
        assert set(schema["tables"]["customer"]["columns"]) == {"id", "email", "tier"}
        assert ledger_rows(by_hand) == {s.id: ("applied", s.checksum) for s in steps}
        assert apply(project.repo, ApplyOptions(target=by_hand, allow=ALLOW)).up_to_date

        down = run_sh(scripts, "down", by_hand)
        assert down.returncode == 0, down.stderr
        assert down.stdout.index("005-lower-case") < down.stdout.index("001-create")
        assert dump(by_hand) == empty
        assert {status for status, _ in ledger_rows(by_hand).values()} == {"rolled_back"}
        again = run_sh(scripts, "down", by_hand)
        assert again.returncode == 0 and again.stdout.count("not applied, skipped") == 5


def test_engine_and_run_sh_take_over_from_each_other(project: Project, sqlite_url: str) -> None:
    steps = load_migration(project.repo, "customers").steps
    scripts = generate(project.repo, PlanOptions()).output_dir / "migration-scripts"
    empty = dump(sqlite_url)

    partial = run_sh(scripts, "up", sqlite_url, "003")  # stop after step 003
    assert partial.returncode == 0, partial.stderr
    assert "004-drop" not in partial.stdout
    finished = apply(project.repo, ApplyOptions(target=sqlite_url, yes=True))
    assert [r.step.id for r in finished.runs] == IDS[3:]
    before_down = dump(sqlite_url)

    keep = run_sh(scripts, "down", sqlite_url, "004")  # undo 005 only: its before-images
    assert keep.returncode == 0, keep.stderr
    emails = [r[1] for r in dump(sqlite_url)[1]["customer"]]
    assert emails == ["Ada@Example.com", "bob@example.com", "CAROL@X.ORG"]
    again = run_sh(scripts, "up", sqlite_url)
    assert again.returncode == 0 and dump(sqlite_url) == before_down

    undone = rollback(project.repo, RollbackOptions(target=sqlite_url, all=True, yes=True))
    assert [r.step.id for r in undone.runs] == [s.id for s in reversed(steps)]
    assert dump(sqlite_url) == empty


def test_run_sh_refuses_a_changed_step_and_stops_at_an_irreversible_one(
    project: Project, sqlite_url: str
) -> None:
    project.step("drop customer", "DROP TABLE customer;\n", irreversible="the rows are gone")
    scripts = generate(project.repo, PlanOptions()).output_dir / "migration-scripts"
    assert run_sh(scripts, "up", sqlite_url).returncode == 0
    assert not (scripts / "006-drop-customer.down.sql").exists()
    assert (scripts / "006-drop-customer.backup.sql").exists()  # a copy of what it drops

    down = run_sh(scripts, "down", sqlite_url)
    assert down.returncode == 3
    assert "006-drop-customer is irreversible (the rows are gone)" in down.stderr
    assert ledger_rows(sqlite_url)["customers/006"][0] == "applied"

    project.sql("UPDATE gitmigrate_ledger SET checksum = 'x' WHERE step_id = 'customers/002'")
    changed = run_sh(scripts, "up", sqlite_url)
    assert changed.returncode == 3
    assert "002-seed-customers was applied from different files" in changed.stderr


def test_a_failing_step_leaves_nothing_behind(project: Project, sqlite_url: str) -> None:
    project.step("bad", "CREATE TABLE nope (x INTEGER);\nINSERT INTO missing VALUES (1);\n")
    scripts = generate(project.repo, PlanOptions()).output_dir / "migration-scripts"
    stopped = run_sh(scripts, "up", sqlite_url)  # its pre-check finds the table missing
    assert stopped.returncode == 1 and "no such table: missing" in stopped.stderr
    assert "the script above failed; it changes nothing" in stopped.stderr
    (scripts / "006-bad.pre-check.sql").write_text("SELECT 1;\n")  # let the step itself fail
    failed = run_sh(scripts, "up", sqlite_url)
    assert failed.returncode == 1 and "no such table: missing" in failed.stderr
    assert "the script above failed; its transaction was rolled back" in failed.stderr
    assert "customers/006" not in ledger_rows(sqlite_url)
    assert "nope" not in dump(sqlite_url)[0]["tables"]  # the step's transaction was undone


@pytest.mark.postgres
def test_a_transaction_false_step_runs_outside_a_transaction(
    git_repo: Path, postgres_url: str
) -> None:
    project = make_project(postgres_url, git_repo)
    project.start("idx")
    project.step("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n", "DROP TABLE t;\n")
    project.step(
        "index v",
        "CREATE INDEX CONCURRENTLY ix_t_v ON t (v);\n",
        "DROP INDEX CONCURRENTLY ix_t_v;\n",
    )
    scripts = generate(project.repo, PlanOptions()).output_dir / "migration-scripts"
    up = run_sh(scripts, "up", postgres_url)
    assert up.returncode == 0, up.stderr
    assert "002-index-v.up.sql (transaction = false: statement by statement)" in up.stdout
    assert "ix_t_v" in dump(postgres_url)[0]["tables"]["t"]["indexes"]
    assert apply(project.repo, ApplyOptions(target=postgres_url)).up_to_date
    down = run_sh(scripts, "down", postgres_url)
    assert down.returncode == 0, down.stderr
    assert dump(postgres_url)[0]["tables"] == {}


def test_a_script_without_a_final_semicolon_still_runs(project: Project, sqlite_url: str) -> None:
    project.step("extra", "CREATE TABLE extra (id INTEGER) -- no semicolon", "DROP TABLE extra")
    scripts = generate(project.repo, PlanOptions()).output_dir / "migration-scripts"
    assert (scripts / "006-extra.up.sql").read_text().endswith("CREATE TABLE extra (id INTEGER);\n")
    up = run_sh(scripts, "up", sqlite_url)
    assert up.returncode == 0, up.stderr
    assert "extra" in dump(sqlite_url)[0]["tables"]
    assert ledger_rows(sqlite_url)["customers/006"][0] == "applied"
    down = run_sh(scripts, "down", sqlite_url, "005")
    assert down.returncode == 0, down.stderr
    assert "extra" not in dump(sqlite_url)[0]["tables"]
