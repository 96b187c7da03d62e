"""A database kind written outside the package (tests/plugins/counter_kind.py), installed only
through the `gitmigrate.executors` entry point, goes the whole way through the real CLI: add,
apply --dry-run, apply, status, verify, plan, review, the pre-push hook and rollback. Nothing in
gitmigrate/ names it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.fixtures_git import CliResult, CliRunner, git

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def install_plugin(site: Path) -> Path:
    """What `pip install` of a plug-in leaves for importlib.metadata: a dist-info with the
    entry point (the module itself comes from tests/plugins on PYTHONPATH)."""
    dist = site / "gitmigrate_counter-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: gitmigrate-counter\nVersion: 0.1\n"
    )
    (dist / "entry_points.txt").write_text(
        "[gitmigrate.executors]\ncounter = counter_kind:CounterKind\n"
    )
    return site


def rows(db: Path) -> dict[str, list[tuple[str, int]]]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: list(conn.execute(f"SELECT * FROM {n}")) for n in names if n.startswith("gm_")}


@pytest.fixture
def run(
    git_repo: Path, tmp_path: Path, run_subprocess: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    site = install_plugin(tmp_path / "site")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(PLUGINS)]))
    return run_subprocess


def test_a_plugin_kind_goes_the_whole_way(git_repo: Path, run: CliRunner, tmp_path: Path) -> None:
    db = git_repo / ".gitmigrate" / "dev.db"
    ok(run("start", "counters", "-m", "two counters"))
    ok(run("add", "counter", "-o", "label=first", "-o", "table=gm_first", "-m", "Count first"))
    ok(run("add", "counter", "--option", "label=second", "--option", "table=gm_second",
           "-m", "Count second"))  # fmt: skip
    head = git(git_repo, "rev-parse", "HEAD")
    refused = run("add", "counter", "-o", "label=not simple", "-o", "table=t", "-m", "Bad")
    assert refused.exit_code == 2 and "not a simple name" in refused.stderr
    assert git(git_repo, "rev-parse", "HEAD") == head  # the kind's checks ran before a commit
    step_toml = (git_repo / "migrations/counters/001-count-first/step.toml").read_text()
    assert 'kind = "counter"' in step_toml and 'label = "first"' in step_toml
    log = json.loads(ok(run("log", "--json")).stdout)
    assert [s["note"]["impact"]["objects"] for s in log] == [["gm_first"], ["gm_second"]]

    ok(run("apply", "--dry-run"))
    assert not db.exists()  # a dry run creates nothing, not even the dev database
    ok(run("apply"))
    assert rows(db) == {"gm_first": [("first", 1)], "gm_second": [("second", 1)]}
    status = ok(run("status", "--json")).stdout
    assert status.count('"applied"') >= 2, status
    ok(run("verify"))

    plan = ok(run("plan", "-o", str(tmp_path / "plan")))
    assert "counters/002" in (tmp_path / "plan" / "migration-plan.md").read_text(), plan.stdout
    review = ok(run("review"))
    assert "counters/001" in review.stdout and "counters/002" in review.stdout

    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM gm_second")
    failed = run("verify")
    assert (
        failed.exit_code != 0 and "gm_second has no row 'second'" in failed.stdout + failed.stderr
    )
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO gm_second VALUES ('second', 1)")
    ok(run("rollback", "--all", "--yes"))
    assert rows(db) == {}


def test_the_pre_push_hook_lets_a_plugin_step_through(
    git_repo: Path, run: CliRunner, tmp_path: Path
) -> None:
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(git_repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(git_repo, "push", "-q", "origin", "main")
    ok(run("init", "--hooks"))
    ok(run("start", "counters", "-m", "a counter"))
    ok(run("add", "counter", "-o", "label=first", "-o", "table=gm_first", "-m", "Count first"))
    push = subprocess.run(["git", "push", "origin", "migrate/counters"], cwd=git_repo,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert push.returncode == 0, push.stderr
    assert "pushed refs/notes/migrate to origin" in push.stderr  # the hook ran and let it pass


def test_the_plugin_checks_its_steps_when_they_are_read(git_repo: Path, run: CliRunner) -> None:
    ok(run("start", "counters", "-m", "a counter"))
    ok(run("add", "counter", "-o", "label=first", "-o", "table=gm_first", "-m", "Count first"))
    step_toml = git_repo / "migrations/counters/001-count-first/step.toml"
    step_toml.write_text(step_toml.read_text().replace('label = "first"', 'label = "a b"'))
    git(git_repo, "commit", "-qam", "edit the step by hand")
    for command in (("log",), ("apply",)):
        refused = run(*command)
        assert refused.exit_code != 0, command
        assert "counter option label is missing or not a simple name" in refused.stderr, command
