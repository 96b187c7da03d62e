"""`git migrate code scan|add|recipes` through the real CLI (its error boundary included) on
real repositories, with a real LibCST recipe file and real verify commands (pytest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git, snapshot
from tests.unit.test_code_kind_support import MODELS, TESTS, commit_all, recipe_file

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "tests/test_models.py": TESTS}


@pytest.fixture
def project(git_repo: Path, run_cli: CliRunner) -> Path:
    recipe_file(git_repo / "tools" / "testkit.py")
    commit_all(git_repo, {**FILES, "app/broken.py": "def oops(:\n    m.dict()\n"})
    assert run_cli("start", "upgrade").exit_code == 0
    return git_repo


def test_scan_lists_findings_as_a_table_json_and_sarif(project: Path, run_cli: CliRunner) -> None:
    before = snapshot(project)
    text = run_cli("code", "scan", "app", "--recipe", "tools/testkit.py")
    assert text.exit_code == 0, text.stderr
    assert "app/models.py:10:11" in text.stdout and "TK001" in text.stdout
    assert "app/models.py:14:11" in text.stdout and "REVIEW" in text.stdout
    assert "1 with a rewrite, 1 for manual review" in text.stdout
    assert "skipped app/broken.py: does not parse: app/broken.py:" in text.stderr
    as_json = json.loads(run_cli("code", "scan", "-r", "tools/testkit.py", "--json").stdout)
    assert [(f["line"], f["rule"], f["fixable"]) for f in as_json["findings"]] == [
        (10, "TK001", True), (14, "TK002", False),
    ]  # fmt: skip
    assert as_json["skipped"][0]["path"] == "app/broken.py"
    sarif = json.loads(run_cli("code", "scan", "-r", "tools/testkit.py", "--sarif").stdout)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 2
    assert snapshot(project) == before  # a scan changes nothing
    assert (project / "app" / "models.py").read_text() == MODELS


def test_recipes_lists_recipes_and_rules(project: Path, run_cli: CliRunner) -> None:
    listed = run_cli("code", "recipes", "-r", "tools/testkit.py")
    assert listed.exit_code == 0
    assert "pydantic2 [python]" in listed.stdout
    assert "testkit [python]: a test recipe" in listed.stdout
    assert "TK002  flag  json flagged" in listed.stdout
    doc = json.loads(run_cli("code", "recipes", "--json").stdout)
    assert "pydantic2" in [r["name"] for r in doc]


def test_add_commits_the_change_with_its_note(project: Path, run_cli: CliRunner) -> None:
    added = run_cli("code", "add", "tools/testkit.py", "app", "-m", "model_dump")
    assert added.exit_code == 0, added.stderr
    assert "added step upgrade/001 (model_dump)" in added.stdout
    assert "review app/models.py:14:11 TK002: .json() needs a person" in added.stdout
    assert "skipped app/broken.py" in added.stderr
    assert git(project, "status", "--porcelain") == ""
    changed = git(project, "show", "--name-only", "--format=", "HEAD").split()
    assert "app/models.py" in changed and "app/broken.py" not in changed
    assert (project / "app" / "models.py").read_text() == MODELS.replace(
        "m.dict()  # keep", "m.model_dump()  # keep"
    )
    assert (project / "app" / "broken.py").read_text() == "def oops(:\n    m.dict()\n"
    note = json.loads(git(project, "notes", "--ref=refs/notes/migrate", "show", "HEAD"))
    assert note["code"]["rewrites"] == {"TK001": 1}
    assert note["code"]["files_changed"] == ["app/models.py"]
    assert note["code"]["manual_review"] == ["app/models.py:14: TK002: .json() needs a person"]
    step_dir = next((project / "migrations" / "upgrade").glob("001-*"))
    assert (step_dir / "recipe.py").read_text() == (project / "tools/testkit.py").read_text()
    findings = json.loads((step_dir / "findings.json").read_text())
    assert findings["changed"] == {"app/models.py": [1, 1]}


def test_print_shows_the_diff_and_commits_nothing(project: Path, run_cli: CliRunner) -> None:
    before = snapshot(project)
    shown = run_cli("code", "add", "tools/testkit.py", "--print", "-m", "x")
    assert shown.exit_code == 0, shown.stderr
    assert "-    return m.dict()  # keep this comment" in shown.stdout
    assert "+    return m.model_dump()  # keep this comment" in shown.stdout
    assert snapshot(project) == before and git(project, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("args", "prepare", "message", "code"),
    [
        (["pydantic3"], None, "unknown recipe 'pydantic3'", 2),
        (["tools/testkit.py", "../elsewhere"], None, "is outside the repository", 2),
        (["tools/testkit.py"], "dirty", "uncommitted changes", 2),
        (["tools/testkit.py", "--rule", "ZZ999"], None, "has no rule ZZ999", 2),
        (["tools/testkit.py", "tests"], None, "changes nothing in 1 file(s)", 2),
        (["tools/missing.py"], None, "recipe file", 2),
    ],
)
def test_bad_input_is_one_line_with_a_fix(
    project: Path, run_cli: CliRunner, args: list[str], prepare: str | None, message: str,
    code: int,
) -> None:  # fmt: skip
    if prepare == "dirty":
        (project / "app" / "models.py").write_text(MODELS + "# local edit\n")
    before = snapshot(project)
    failed = run_cli("code", "add", *args, "-m", "x")
    assert failed.exit_code == code, failed.stdout + failed.stderr
    assert message in failed.stderr
    assert snapshot(project) == before
    if args[0] == "pydantic3":
        assert "known recipes:" in failed.stderr and "pydantic2" in failed.stderr


def test_a_failing_verify_command_commits_nothing_and_shows_its_output(
    project: Path, run_cli: CliRunner
) -> None:
    breaking = recipe_file(project / "tools" / "breaking.py", name="breaking")
    breaking.write_text(breaking.read_text().replace('"model_dump"', '"no_such_method"'))
    commit_all(project, {}, "breaking recipe")
    before = snapshot(project)
    failed = run_cli(
        "code", "add", "tools/breaking.py", "--verify-cmd", "python -m pytest -q", "-m", "x"
    )
    assert failed.exit_code == 3, failed.stderr
    assert "1 failed" in failed.stderr  # the command's output
    assert "verify command `python -m pytest -q` failed (exit 1)" in failed.stderr
    assert snapshot(project) == before
    assert (project / "app" / "models.py").read_text() == MODELS


def test_a_hanging_verify_command_is_stopped(project: Path, run_cli: CliRunner) -> None:
    before = snapshot(project)
    failed = run_cli(
        "code", "add", "tools/testkit.py", "--verify-cmd", "sleep 60", "--verify-timeout", "1",
        "-m", "x",
    )  # fmt: skip
    assert failed.exit_code == 3
    assert "timed out after 1s (stopped)" in failed.stderr and "--verify-timeout" in failed.stderr
    assert snapshot(project) == before


def test_plan_and_review_render_the_step(project: Path, run_cli: CliRunner) -> None:
    assert run_cli("code", "add", "tools/testkit.py", "app", "-m", "model_dump").exit_code == 0
    planned = run_cli("plan")
    assert planned.exit_code == 0, planned.stderr
    plan = (project / "docs" / "plan-outputs" / "upgrade" / "migration-plan.md").read_text()
    assert "Code changes (recipe findings):" in plan
    assert "| app/models.py | +1 -1 |" in plan
    assert "| rule TK001 | 1 rewrite(s) |" in plan
    assert "| app/models.py:14 | REVIEW TK002: .json() needs a person |" in plan
    assert "app/broken.py | skipped: does not parse: app/broken.py:" in plan
    reviewed = run_cli("review")
    assert reviewed.exit_code == 0, reviewed.stderr
    assert "| upgrade/001 | code | model_dump | yes | the changed files still parse |" in (
        reviewed.stdout
    )


def test_scan_defaults_to_python_recipes_and_js_ones_when_js_exists(
    project: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitmigrate.codemods import registry

    monkeypatch.setattr(registry, "BUILTIN", {
        "echo": "tests.unit.test_code_kind_support:ECHO",
        "jsecho": "tests.unit.test_code_kind_support:JS_ECHO",
    })  # fmt: skip
    scanned = json.loads(run_cli("code", "scan", "--json").stdout)
    assert [r["recipe"] for r in scanned["recipes"]] == ["echo"]
    (project / "web").mkdir()
    (project / "web" / "index.js").write_text("ReactDOM.render(app, node);\n")
    scanned = json.loads(run_cli("code", "scan", "--json").stdout)
    assert [r["recipe"] for r in scanned["recipes"]] == ["echo", "jsecho"]
    assert ["web/index.js"] == [f["path"] for f in scanned["findings"] if f["rule"] == "EC001"][-1:]


def test_scan_refuses_outside_paths_and_lists_unreadable_files(
    project: Path, run_cli: CliRunner
) -> None:
    outside = run_cli("code", "scan", "..", "-r", "tools/testkit.py")
    assert outside.exit_code == 2 and "is outside the repository" in outside.stderr
    (project / "app" / "blob.py").write_bytes(b"\x00\x01")
    (project / "app" / "latin.py").write_bytes(b"# caf\xe9\n")
    scanned = run_cli("code", "scan", "app", "-r", "tools/testkit.py")
    assert scanned.exit_code == 0
    assert "skipped app/blob.py: binary file" in scanned.stderr
    assert "skipped app/latin.py: not UTF-8 (byte 5)" in scanned.stderr
    unknown = run_cli("code", "scan", "-r", "nope")
    assert unknown.exit_code == 2 and "known recipes:" in unknown.stderr
