"""`git migrate repair STEP --resolved|--rerun|--abandon` and the states it leaves, through the
real CLI on the default SQLite target: every decision is a ledger row and a run event that
status and the validation report show; bad input is one line with a hint and exit 2."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from tests.e2e.test_tree_plugin import cli  # noqa: F401 - the fixture: CLI with the plug-in
from tests.fixtures_git import CliResult, CliRunner, git
from tests.plugins.textedit_steps import CONF


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def _prepare(repo: Path) -> Path:
    db = repo / ".gitmigrate" / "dev.db"
    db.parent.mkdir(exist_ok=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, n INT NOT NULL DEFAULT 0)")
        conn.executemany("INSERT INTO customer (id) VALUES (?)", [(i,) for i in range(1, 301)])
    return db


def _state(run: CliRunner, step: str) -> dict[str, Any]:
    report = json.loads(ok(run("status", "--json")).stdout)
    return next(s for s in report["steps"] if s["step_id"] == step)


def _one_line_error(result: CliResult, code: int, words: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and lines[0].startswith("error:"), lines  # the message, its hint
    assert lines[1].startswith("  hint:") and words in result.stderr, lines
    assert "Traceback" not in result.stderr


def test_repair_decisions_are_recorded_and_shown(git_repo: Path, run_subprocess: CliRunner) -> None:
    run = run_subprocess
    _prepare(git_repo)
    ok(run("start", "fix"))
    ok(run("data", "add", "--table", "customer", "--set", "n = n + 1", "-m", "bump"))
    # a data step on a table that does not exist (issue 12 defect 2): committed, fails at apply
    ok(run("data", "add", "--table", "nosuch", "--set", "v = 1", "-m", "typo"))
    failed = run("apply", "--no-progress")
    assert failed.exit_code == 1 and "restoring the before-images" not in failed.stderr
    assert _state(run, "fix/002")["state"] == "failed"

    # bad input: one line with a hint, exit 2; a step with nothing to decide: exit 3
    _one_line_error(run("repair", "fix/002"), 2, "--resolved, --rerun, --abandon")
    _one_line_error(run("repair", "fix/002", "--rerun", "--abandon"), 2, "only one")
    _one_line_error(run("repair", "fix/009", "--rerun"), 2, "no step")
    _one_line_error(run("repair", "fix/001", "--rerun"), 3, "is applied")

    # --abandon: apply skips it from now on; status says so and how to change it
    abandoned = ok(run("repair", "002", "--abandon", "--reason", "typo, replaced later"))
    assert "fix/002" in abandoned.stdout and "abandoned" in abandoned.stdout
    state = _state(run, "fix/002")
    assert state["state"] == "abandoned" and "repair fix/002 --rerun" in state["note"]
    assert "up to date" in ok(run("apply", "--no-progress")).stdout.lower()
    assert "abandoned" in ok(run("status")).stdout

    # --rerun: the row is cleared, apply runs it again (and it fails again, plainly)
    ok(run("repair", "fix/002", "--rerun"))
    assert _state(run, "fix/002")["state"] == "pending"
    assert run("apply", "--no-progress").exit_code == 1

    # --resolved: the operator fixed it by hand; it counts as applied, protected by its checksum
    as_json = json.loads(ok(run("repair", "fix/002", "--resolved", "--json")).stdout)
    assert (as_json["before"], as_json["after"]) == ("failed", "applied")
    state = _state(run, "fix/002")
    assert state["state"] == "applied" and "resolved by hand" in state["note"]
    assert "up to date" in ok(run("apply", "--no-progress")).stdout.lower()

    # every decision is a run event, and the validation report lists them
    notes = git(git_repo, "notes", "--ref", "refs/notes/migrate-runs", "list")
    blobs = [line.split()[0] for line in notes.splitlines()]
    events = "".join(git(git_repo, "cat-file", "blob", b) for b in blobs)
    assert events.count('"step_repaired"') == 3
    ok(run("plan", "--output", str(git_repo / "out")))
    report = (git_repo / "out" / "validation-report.md").read_text()
    assert "decision --abandon" in report and "decision --resolved" in report


def test_repair_rerun_of_a_skipped_step_needs_confirmation(
    git_repo: Path, run_subprocess: CliRunner
) -> None:
    run = run_subprocess
    db = _prepare(git_repo)
    ok(run("start", "drop"))
    (git_repo / "up.sql").write_text("ALTER TABLE customer DROP COLUMN n;\n")
    ok(run("add", "sql", "--up", str(git_repo / "up.sql"), "--irreversible", "drops n",
           "-m", "drop n"))  # fmt: skip
    ok(run("apply", "--yes", "--no-progress"))
    ok(run("rollback", "--all", "--force", "--yes", "--no-progress"))
    state = _state(run, "drop/001")
    assert state["state"] == "skipped" and "its effects stay" in state["note"]
    shown = " ".join(ok(run("status")).stdout.split())  # unwrapped
    assert "drop/001: skipped (forced rollback; its effects stay)" in shown
    assert "`git migrate repair drop/001 --rerun`" in shown
    assert "up to date" in ok(run("apply", "--no-progress")).stdout.lower()
    # running it again over its own effects is the operator's call, never silent
    _one_line_error(run("repair", "drop/001", "--rerun"), 3, "needs confirmation")
    assert _state(run, "drop/001")["state"] == "skipped"
    ok(run("repair", "drop/001", "--rerun", "--yes"))
    assert _state(run, "drop/001")["state"] == "pending"
    with sqlite3.connect(db) as conn:
        assert [r[1] for r in conn.execute("PRAGMA table_info(customer)")] == ["id"]


def test_a_forced_rollback_of_an_irreversible_tree_step_records_it_skipped(
    cli: Any,  # noqa: F811 - the imported fixture
    git_repo: Path,
    tmp_path: Path,
) -> None:
    """Defect 5 on a tree target (the textedit plug-in): its ledger file records `skipped`."""
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    (deployed / "app.conf").write_bytes(CONF.encode())
    config = git_repo / ".gitmigrate.toml"
    config.write_text(config.read_text() + f'\n[targets.deployed]\npath = "{deployed}"\n')
    git(git_repo, "commit", "-q", "-am", "the deployed tree")
    start_migration(GitRepo(git_repo), "settings")
    step_dir = git_repo / "migrations/settings/001-raise-timeout"
    step_dir.mkdir(parents=True)
    (step_dir / "step.toml").write_text(
        'kind = "textedit"\nsummary = "raise the timeout"\nirreversible = "clients cache it"\n\n'
        '[options]\nfile = "app.conf"\nold = "timeout = 10"\nnew = "timeout = 30"\n'
        'target = "deployed"\n'
    )
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m",
        "textedit: raise the timeout\n\nMigrate-Step: settings/001\nMigrate-Kind: textedit\n")  # fmt: skip
    assert cli("apply", "--target", "deployed").exit_code == 0
    rolled = cli("rollback", "--all", "--force", "--yes", "--target", "deployed")
    assert rolled.exit_code == 0, rolled.stderr
    ledger = json.loads((deployed / ".gitmigrate-ledger.json").read_text())
    assert [r["status"] for r in ledger["rows"]] == ["skipped"]
    assert "timeout = 30" in (deployed / "app.conf").read_text()  # its effect stays
    again = cli("apply", "--target", "deployed")
    assert again.exit_code == 0 and "up to date" in again.stdout.lower(), again.stdout
    step = json.loads(cli("status", "--json", "--target", "deployed").stdout)["steps"][0]
    assert step["state"] == "skipped" and "repair settings/001 --rerun" in step["note"]
