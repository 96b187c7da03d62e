"""Scenario 5, checksum stability: an applied step is not reported as changed after a
`core.autocrlf=true` checkout, a commit of its files with CRLF line ends or a UTF-8 BOM, a
rebase or a cherry-pick (new commits, same content), an upgrade of git-migrate (another version,
the same checksum algorithm id; or a row of another algorithm, which is never compared), or a
changed environment. A real edit -- joining two lines, which a per-line CRC misses -- is refused
naming the step and the file, with a unified diff of the applied and the current text.

Real git operations in temp repos; the step runs on SQLite, PostgreSQL and MariaDB once each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import gitmigrate
from gitmigrate.core.checksum import ALGORITHM
from gitmigrate.errors import ChecksumMismatchError
from tests.engine_helpers import Project, make_project

UP = "CREATE TABLE t1 (id INTEGER PRIMARY KEY);\nCREATE TABLE t2 (id INTEGER PRIMARY KEY);\n"
DOWN = "DROP TABLE t2;\nDROP TABLE t1;\n"


def _applied(project: Project) -> str:
    """A migration of two steps, both applied; returns the step directory of step 001."""
    project.start("stable")
    first = project.step("two tables", UP, DOWN)
    project.step("third", "CREATE TABLE t3 (id INTEGER PRIMARY KEY);\n", "DROP TABLE t3;\n")
    project.apply(yes=True)
    return first.path


def _up_to_date(project: Project) -> None:
    result = project.apply(yes=True)
    assert result.up_to_date, [p.step.id for p in result.planned]


def _rewrite(project: Project, path: str, content: bytes, message: str) -> None:
    (project.path / path).write_bytes(content)
    project.git("-c", "core.autocrlf=false", "add", path)
    project.git("-c", "core.autocrlf=false", "commit", "-q", "-m", message)


@pytest.fixture
def project(db_url: str, git_repo: Path) -> Project:
    return make_project(db_url, git_repo)


def test_checkouts_encodings_and_history_rewrites_are_not_a_mismatch(project: Project) -> None:
    step_dir = _applied(project)
    up = f"{step_dir}/up.sql"

    # a core.autocrlf=true checkout: the work tree gets CRLF, the blobs stay as they were
    project.git("config", "core.autocrlf", "true")
    (project.path / up).unlink()
    project.git("checkout", "--", up)
    assert b"\r\n" in (project.path / up).read_bytes()
    _up_to_date(project)
    project.git("config", "core.autocrlf", "false")

    # committed with CRLF line ends, then with a UTF-8 BOM (new blobs, same content)
    _rewrite(project, up, UP.replace("\n", "\r\n").encode(), "CRLF")
    _up_to_date(project)
    _rewrite(project, up, b"\xef\xbb\xbf" + UP.encode(), "BOM")
    _up_to_date(project)

    # a rebase onto a new base: every step commit gets a new id
    before = project.git("rev-parse", "HEAD").strip()
    project.git("checkout", "-q", "main")
    (project.path / "NEWS.md").write_text("news\n")
    project.commit_all("news on main")
    project.git("checkout", "-q", "migrate/stable")
    project.git("rebase", "-q", "main")
    assert project.git("rev-parse", "HEAD").strip() != before
    _up_to_date(project)

    # a cherry-pick of the migration's commits onto a release branch: applied from there
    project.git("checkout", "-q", "-b", "release", "main~1")
    commits = project.git("rev-list", "--reverse", "main..migrate/stable").split()
    project.git("cherry-pick", *commits)
    _up_to_date(project)


def test_an_upgrade_of_git_migrate_is_not_a_mismatch(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _applied(project)
    monkeypatch.setattr(gitmigrate, "__version__", "99.0.0")
    _up_to_date(project)
    assert {r.checksum_algo for r in project.ledger().values()} == {ALGORITHM}
    # a row written under another algorithm id cannot be compared: never a false mismatch
    project.sql("UPDATE gitmigrate_ledger SET checksum_algo = 'gm-sha512-v2', checksum = 'x'")
    _up_to_date(project)


@pytest.mark.parametrize(
    "variables",
    [
        {"TZ": "Pacific/Kiritimati", "LANG": "C", "LC_ALL": "C"},
        {"GIT_CONFIG_PARAMETERS": "'core.autocrlf'='true' 'core.eol'='crlf'"},
        {"GITMIGRATE_TARGET": "nothing", "PAGER": "cat"},
    ],
    ids=["locale-tz", "git-config", "unrelated"],
)
def test_a_changed_environment_is_not_a_mismatch(
    sqlite_url: str,
    git_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    variables: dict[str, str],
) -> None:
    project = make_project(sqlite_url, git_repo)
    _applied(project)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    _up_to_date(project)


def test_joining_two_lines_is_reported_with_the_step_and_a_diff(project: Project) -> None:
    step_dir = _applied(project)
    joined = UP.replace(";\nCREATE", "; CREATE", 1)  # `a\nb` -> `a b`: one line fewer
    assert joined.replace(" ", "").replace("\n", "") == UP.replace(" ", "").replace("\n", "")
    _rewrite(project, f"{step_dir}/up.sql", joined.encode(), "join two lines")
    with pytest.raises(ChecksumMismatchError) as caught:
        project.apply(yes=True)
    message = str(caught.value)
    assert caught.value.step_id == "stable/001" and caught.value.file == "up.sql"
    assert "step stable/001 was applied, but up.sql changed since" in message
    assert "--- applied (" in message and f"+++ now {step_dir}/up.sql" in message
    assert "-CREATE TABLE t1 (id INTEGER PRIMARY KEY);\n-CREATE TABLE t2" in message
    assert "+CREATE TABLE t1 (id INTEGER PRIMARY KEY); CREATE TABLE t2" in message
    assert "git diff" in message  # the hint names the full diff


def test_joining_two_lines_without_any_other_change_is_caught(
    sqlite_url: str, git_repo: Path
) -> None:
    """`a\\nb` -> `ab` exactly (no character added): per-line CRCs sum to the same value."""
    project = make_project(sqlite_url, git_repo)
    project.start("joined")
    step = project.step("a view", "CREATE VIEW v AS SELECT 1 AS a\n, 2 AS b;\n", "DROP VIEW v;\n")
    project.apply(yes=True)
    text = (project.path / step.path / "up.sql").read_text()
    _rewrite(project, f"{step.path}/up.sql", text.replace("a\n,", "a,").encode(), "join")
    with pytest.raises(ChecksumMismatchError) as caught:
        project.apply(yes=True)
    assert "-CREATE VIEW v AS SELECT 1 AS a\n-, 2 AS b;" in str(caught.value)
    assert "+CREATE VIEW v AS SELECT 1 AS a, 2 AS b;" in str(caught.value)
