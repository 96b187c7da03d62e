"""The verify command (a real shell command in a separate worktree, stopped at its timeout),
the parse check of verify(), and SARIF output."""

from __future__ import annotations

import time
from pathlib import Path

from gitmigrate.codemods.recipe import Finding, Rule
from gitmigrate.codemods.sarif import sarif_log
from gitmigrate.codemods.syntax import parse_problem
from gitmigrate.codemods.verify import run_command, verify_in_worktree
from tests.fixtures_git import git
from tests.unit.test_code_kind_support import MODELS, TESTS, commit_all


def test_a_hanging_command_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    outcome = run_command("echo started; sleep 30; echo never", tmp_path, timeout=1)
    assert time.monotonic() - started < 10
    assert outcome.exit_code is None and not outcome.passed
    assert outcome.output == "started\n"
    assert outcome.words() == "timed out after 1s (stopped)"


def test_the_command_runs_on_the_result_in_a_separate_worktree(git_repo: Path) -> None:
    commit_all(git_repo, {"app/__init__.py": "", "app/models.py": MODELS, "tests/test_m.py": TESTS})
    (git_repo / "untracked.txt").write_text("copied\n")
    fixed = MODELS.replace("m.dict()", "m.model_dump()")
    good = verify_in_worktree(git_repo, {"app/models.py": fixed}, "python -m pytest -q", 120)
    assert good.passed, good.output
    assert "1 passed" in good.output
    broken = fixed.replace('return {"a": 1}\n\n\ndef', 'return {"a": 2}\n\n\ndef')
    bad = verify_in_worktree(git_repo, {"app/models.py": broken}, "python -m pytest -q", 120)
    assert bad.exit_code == 1 and "1 failed" in bad.output
    seen = verify_in_worktree(git_repo, {}, "cat untracked.txt && pwd", 30)
    assert seen.output.startswith("copied\n") and str(git_repo) not in seen.output
    assert (git_repo / "app" / "models.py").read_text() == MODELS  # the user's tree untouched
    assert git(git_repo, "worktree", "list").count("\n") == 1  # the worktree is gone


def test_parse_problems_name_file_line_and_column() -> None:
    assert parse_problem("a.py", "x = 1\n") is None
    problem = parse_problem("a.py", "x = 1\ndef (:\n")
    assert problem is not None and problem.startswith("a.py:2:")
    assert parse_problem("a.js", "const a = 1;\n") is None
    js = parse_problem("a.js", "const = ;\n")
    assert js is not None and js.startswith("a.js:1:")
    # tree-sitter recovers `f(a;` with a made-up `)` and no ERROR node: still a syntax error
    assert parse_problem("a.mjs", "f(a;\n") is not None
    assert parse_problem("notes.txt", "((((") is None


def test_sarif_has_rules_results_and_one_based_columns() -> None:
    rules = (Rule("TK001", "dict"), Rule("TK002", "json", fixable=False))
    findings = (
        Finding("app/a.py", 3, 0, "TK001", "rewrite it", True),
        Finding("app/a.py", 4, 8, "TK002", "decide", False),
    )
    log = sarif_log([("testkit", rules, findings)], "1.0")
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["TK001", "TK002"]
    first, second = run["results"]
    assert first["level"] == "warning" and second["level"] == "error"
    region = second["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 9}
    assert second["ruleIndex"] == 1
