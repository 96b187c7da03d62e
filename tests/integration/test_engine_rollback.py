"""rollback on SQLite, PostgreSQL and MariaDB: --steps/--to/--all, the schema check after each
undo, and the empty `Migrate-Rollback` commit on migrate/NAME (also from main, also after the
branch was deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.gitstore import parse_trailers
from tests.engine_helpers import Project, make_project


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


def _tip(project: Project, branch: str = "migrate/x") -> tuple[str, dict[str, str], str]:
    """(commit, trailers, parent) of the branch tip."""
    commit = project.git("rev-parse", f"refs/heads/{branch}").strip()
    body = project.git("log", "-1", "--format=%B", commit)
    parent = project.git("rev-parse", f"{commit}^").strip()
    return commit, parse_trailers(body), parent


def _is_empty(project: Project, commit: str) -> bool:
    return project.git("rev-parse", f"{commit}^{{tree}}") == project.git(
        "rev-parse", f"{commit}^^{{tree}}"
    )


# -- 6. rollback validation ------------------------------------------------------------------


def test_rollback_reports_what_the_down_script_forgot(project: Project) -> None:
    project.start("x")
    project.step(
        "create t", "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(50))", "DROP TABLE t"
    )
    project.step(
        "two columns",
        "ALTER TABLE t ADD COLUMN c INTEGER;\nALTER TABLE t ADD COLUMN d INTEGER;",
        "ALTER TABLE t DROP COLUMN c",  # forgets d
    )
    project.step(
        "create u",
        "CREATE TABLE u (id INTEGER PRIMARY KEY, v INTEGER);\nCREATE INDEX ix_u_v ON u (v);",
        "DROP TABLE u",
    )
    project.apply()

    good = project.rollback(steps=1, yes=True)
    assert [r.step.id for r in good.runs] == ["x/003"]
    assert good.runs[0].schema_differences == []

    bad = project.rollback(steps=1, yes=True)
    assert [r.step.id for r in bad.runs] == ["x/002"]
    assert bad.runs[0].schema_differences == ["table t: column d added"]
    assert project.ledger()["x/002"].status == "rolled_back"


# -- 9. --steps / --to / --all and the rollback commits --------------------------------------


def test_rollback_scopes_and_commits(project: Project) -> None:
    project.start("x")
    steps = [
        project.step(
            f"create t{n}", f"CREATE TABLE t{n} (id INTEGER PRIMARY KEY)", f"DROP TABLE t{n}"
        )
        for n in (1, 2, 3)
    ]
    project.apply()

    result = project.rollback(steps=2, yes=True)
    assert [r.step.id for r in result.runs] == ["x/003", "x/002"]
    tip, trailers, parent = _tip(project)
    assert trailers["Migrate-Rollback"] == "x/002" and _is_empty(project, tip)
    assert parse_trailers(project.git("log", "-1", "--format=%B", parent))["Migrate-Rollback"] == (
        "x/003"
    )
    assert sorted(project.schema()["tables"]) == ["t1"]
    assert [r.step.id for r in project.rollback(all=True, yes=True).runs] == ["x/001"]
    assert _tip(project)[1]["Migrate-Rollback"] == "x/001"
    assert project.schema()["tables"] == {}
    assert {r.status for r in project.ledger().values()} == {"rolled_back"}
    assert project.git("status", "--porcelain") == ""

    # deploy from main: the rollback commit goes onto migrate/x without a checkout
    assert [r.step.id for r in project.apply().runs] == ["x/001", "x/002", "x/003"]
    project.git("checkout", "-q", "main")
    project.git("merge", "-q", "--no-ff", "-m", "merge x", "migrate/x")
    main_before = project.git("rev-parse", "HEAD")
    branch_before = project.git("rev-parse", "refs/heads/migrate/x").strip()
    assert [r.step.id for r in project.rollback(to="2", yes=True).runs] == ["x/003"]
    tip, trailers, parent = _tip(project)
    assert trailers["Migrate-Rollback"] == "x/003" and parent == branch_before
    assert project.git("rev-parse", "HEAD") == main_before
    assert project.git("branch", "--show-current").strip() == "main"
    assert project.git("status", "--porcelain") == ""

    # the branch was deleted after the merge: it is recreated at the migration's last step
    project.git("branch", "-q", "-D", "migrate/x")
    assert [r.step.id for r in project.rollback(to="x/001", yes=True).runs] == ["x/002"]
    tip, trailers, parent = _tip(project)
    assert trailers["Migrate-Rollback"] == "x/002" and _is_empty(project, tip)
    assert parent == steps[-1].commit
    assert project.git("rev-parse", "HEAD") == main_before
    assert sorted(project.schema()["tables"]) == ["t1"]
