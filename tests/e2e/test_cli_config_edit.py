"""`git migrate config set|unset|rename|move` end to end: --print shows the step and commits
nothing; each command commits one step; apply verifies it, plan shows its key-level diff and
writes scripts that need only git; rollback commits the inverse; and the same steps on an
outside tree (apply writes there, rollback restores every byte)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from tests.fixtures_git import CliRunner, git, snapshot

YAML = "# app\nserver:\n  host: localhost  # where\n  port: 80\n"


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "app.yaml").write_text(YAML)
    git(git_repo, "add", "app.yaml")
    git(git_repo, "commit", "-qm", "config")
    start_migration(GitRepo(git_repo), "cfg")
    return git_repo


def test_print_then_commit_then_apply_plan_and_roll_back(repo: Path, run_cli: CliRunner) -> None:
    before = snapshot(repo)
    shown = run_cli("config", "set", "app.yaml", "server.port", "8080", "--print", cwd=repo)
    assert shown.exit_code == 0, shown.stderr
    assert "app.yaml: server.port changed 80 -> 8080" in shown.stdout
    assert "-  port: 80\n+  port: 8080\n" in shown.stdout
    assert snapshot(repo) == before

    added = run_cli("config", "set", "app.yaml", "server.port", "8080", "-m", "raise the port",
                    cwd=repo)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert "added step cfg/001" in added.stdout
    renamed = run_cli("config", "rename", "app.yaml", "server.host", "hostname", "--json",
                      cwd=repo)  # fmt: skip
    assert renamed.exit_code == 0, renamed.stderr
    assert json.loads(renamed.stdout)["step"] == "cfg/002"
    after = YAML.replace("port: 80", "port: 8080").replace("host:", "hostname:")
    assert (repo / "app.yaml").read_text() == after

    assert run_cli("apply", "--target", ".", cwd=repo).exit_code == 0
    assert run_cli("verify", "--target", ".", cwd=repo).exit_code == 0

    planned = run_cli("plan", cwd=repo)
    assert planned.exit_code == 0, planned.stderr
    out = repo / "docs/plan-outputs/cfg"
    plan_md = (out / "migration-plan.md").read_text()
    assert "app.yaml: server.port" in plan_md and "changed: 80 -> 8080" in plan_md
    assert "| app.yaml: server.host | renamed: server.hostname |" in plan_md
    assert "verify checks that app.yaml has server.port = 8080" in plan_md
    assert "| scripts | 001-raise-the-port.up.sh, 001-raise-the-port.down.sh" in plan_md
    scripts = out / "migration-scripts"
    # the scripts need only git: undo both steps, then redo them
    for pattern in ("002-*.down.sh", "001-*.down.sh"):
        (script,) = scripts.glob(pattern)
        subprocess.run(["sh", str(script)], cwd=repo, check=True)
    assert (repo / "app.yaml").read_text() == YAML
    for pattern in ("001-*.up.sh", "002-*.up.sh"):
        (script,) = scripts.glob(pattern)
        subprocess.run(["sh", str(script)], cwd=repo, check=True)
    assert (repo / "app.yaml").read_text() == after
    git(repo, "reset", "-q", "--hard")
    git(repo, "clean", "-fdq", "docs")

    reviewed = run_cli("review", cwd=repo)
    assert reviewed.exit_code == 0, reviewed.stderr
    assert "| app.yaml has server.port = 8080 |" in reviewed.stdout
    assert "| app.yaml has server.hostname and no longer server.host |" in reviewed.stdout

    rolled = run_cli("rollback", "--target", ".", "--all", "--yes", cwd=repo)
    assert rolled.exit_code == 0, rolled.stderr
    assert (repo / "app.yaml").read_text() == YAML
    subjects = git(repo, "log", "-2", "--format=%s").splitlines()
    assert subjects == [
        "rollback: raise the port",
        "rollback: rename server.host to hostname in app.yaml",
    ]


def test_bad_input_exits_2_and_commits_nothing(repo: Path, run_cli: CliRunner) -> None:
    before = snapshot(repo)
    for args in (
        ("config", "unset", "app.yaml", "server.nope"),
        ("config", "set", "/etc/passwd.yaml", "a", "1"),
        ("config", "set", "app.yaml", "server..port", "1"),
    ):
        failed = run_cli(*args, cwd=repo)
        assert failed.exit_code == 2, (args, failed.stdout, failed.stderr)
        assert "Traceback" not in failed.stderr
    (repo / "bad.yaml").write_text("a: [1, 2\n")
    git(repo, "add", "bad.yaml")
    git(repo, "commit", "-qm", "bad")
    before = snapshot(repo)
    failed = run_cli("config", "set", "bad.yaml", "a", "1", cwd=repo)
    assert failed.exit_code == 2 and "bad.yaml:" in failed.stderr
    assert snapshot(repo) == before


def test_steps_on_an_outside_tree(repo: Path, run_cli: CliRunner, tmp_path: Path) -> None:
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    (deployed / "app.yaml").write_text(YAML)
    config = repo / ".gitmigrate.toml"
    config.write_text(config.read_text() + f'\n[targets.deployed]\npath = "{deployed}"\n')
    git(repo, "commit", "-qam", "the deployed tree")
    added = run_cli("config", "set", "--target", "deployed", "app.yaml", "server.port", "9090",
                    cwd=repo)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert (repo / "app.yaml").read_text() == YAML  # the repository's file is not the target
    moved = run_cli("config", "move", "-t", "deployed", "app.yaml", "server.host", "host",
                    cwd=repo)  # fmt: skip
    assert moved.exit_code == 0, moved.stderr

    dry = run_cli("apply", "--target", "deployed", "--dry-run", cwd=repo)
    assert dry.exit_code == 0, dry.stderr
    assert "app.yaml: server.port changed 80 -> 9090" in dry.stdout + dry.stderr
    assert (deployed / "app.yaml").read_text() == YAML

    applied = run_cli("apply", "--target", "deployed", cwd=repo)
    assert applied.exit_code == 0, applied.stderr
    text = (deployed / "app.yaml").read_text()
    assert "port: 9090" in text and text.startswith("# app\n") and "\nhost: localhost" in text
    assert run_cli("verify", "--target", "deployed", cwd=repo).exit_code == 0

    rolled = run_cli("rollback", "--target", "deployed", "--all", "--yes", cwd=repo)
    assert rolled.exit_code == 0, rolled.stderr
    assert (deployed / "app.yaml").read_text() == YAML
    assert sorted(p.name for p in deployed.iterdir() if not p.name.startswith(".gitmigrate-l")) \
        == ["app.yaml"]  # fmt: skip


def test_a_later_step_on_the_same_key_does_not_fail_the_earlier_one(
    repo: Path, run_cli: CliRunner
) -> None:
    for value in ("8080", "9090"):
        added = run_cli("config", "set", "app.yaml", "server.port", value, cwd=repo)
        assert added.exit_code == 0, added.stderr
    applied = run_cli("apply", "--target", ".", cwd=repo)
    assert applied.exit_code == 0, applied.stderr
    assert run_cli("verify", "--target", ".", cwd=repo).exit_code == 0
    rolled = run_cli("rollback", "--target", ".", "--all", "--yes", cwd=repo)
    assert rolled.exit_code == 0, rolled.stderr
    assert (repo / "app.yaml").read_text() == YAML
    again = run_cli("apply", "--target", ".", cwd=repo)  # rolled back: the change is gone
    assert again.exit_code == 1 and "revert the rollback commit" in again.stderr


def test_add_config_authors_the_same_step(repo: Path, run_cli: CliRunner) -> None:
    added = run_cli("add", "config", "-o", "op=unset", "-o", "file=app.yaml",
                    "-o", "key=server.host", "-m", "drop the host", cwd=repo)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert (repo / "app.yaml").read_text() == "# app\nserver:\n  port: 80\n"
    assert "migrations/cfg/001-drop-the-host/changes.json" in git(
        repo, "show", "--name-only", "--format=", "HEAD"
    )
    assert run_cli("apply", "--target", ".", cwd=repo).exit_code == 0


def test_a_negative_value_is_a_value(repo: Path, run_cli: CliRunner) -> None:
    added = run_cli("config", "set", "app.yaml", "server.port", "-1", "--print", cwd=repo)
    assert added.exit_code == 0, added.stderr
    assert "server.port changed 80 -> -1" in added.stdout


def test_rollback_to_a_step_restores_its_configuration(repo: Path, run_cli: CliRunner) -> None:
    for value in ("8080", "9090", "7070"):
        assert run_cli("config", "set", "app.yaml", "server.port", value, cwd=repo).exit_code == 0
    assert run_cli("apply", "--target", ".", cwd=repo).exit_code == 0
    rolled = run_cli("rollback", "--target", ".", "--to", "001", "--yes", cwd=repo)
    assert rolled.exit_code == 0, rolled.stderr
    assert (repo / "app.yaml").read_text() == YAML.replace("port: 80", "port: 8080")
