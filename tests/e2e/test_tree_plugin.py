"""A tree kind written outside the package (tests/plugins/textedit_kind.py), installed through
the `gitmigrate.executors` entry point, through apply --dry-run, apply, status, verify and
rollback: on the repository itself (the step commit is the change; rollback commits its
inverse) and on an outside tree (a deployed config directory with its own ledger and lock)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitmigrate.core.authoring import SqlSource, start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.hooks.install import install_pre_push
from gitmigrate.kinds.sql.authoring import add_sql_step
from tests.fixtures_git import CliResult, git
from tests.plugins.textedit_steps import CONF, textedit_step

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"


@pytest.fixture
def cli(tmp_path: Path, git_repo: Path):  # type: ignore[no-untyped-def]
    """The CLI as its own process, with the textedit plug-in installed by entry point."""
    site = tmp_path / "site"
    info = site / "gitmigrate_textedit-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: gitmigrate-textedit\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[gitmigrate.executors]\ntextedit = textedit_kind:TextEditKind\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(PLUGINS)])}

    class Cli:
        pythonpath = env["PYTHONPATH"]

        def __call__(self, *args: str) -> CliResult:
            return run(*args)

    def run(*args: str) -> CliResult:
        proc = subprocess.run(
            [sys.executable, "-m", "gitmigrate", *args],
            cwd=git_repo,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return Cli()


def events(repo: Path) -> list[dict[str, object]]:
    if not git(repo, "rev-parse", "--verify", "--quiet", "refs/notes/migrate-runs", check=False):
        return []
    listing = git(repo, "ls-tree", "-r", "refs/notes/migrate-runs").splitlines()
    text = "".join(git(repo, "cat-file", "blob", line.split()[2]) for line in listing)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)")


def test_a_tree_step_on_the_repository(cli, git_repo: Path) -> None:  # type: ignore[no-untyped-def]
    (git_repo / "app.conf").write_text(CONF)
    git(git_repo, "add", "app.conf")
    git(git_repo, "commit", "-q", "-m", "config")
    start_migration(GitRepo(git_repo), "settings")
    textedit_step(git_repo, 1, "timeout = 10", "timeout = 30")
    ledger = git_repo / ".git" / "gitmigrate" / "ledger.json"

    before = refs(git_repo)
    dry = cli("apply", "--target", ".", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "settings/001" in dry.stdout + dry.stderr
    assert refs(git_repo) == before and not ledger.exists()

    applied = cli("apply", "--target", ".")
    assert applied.exit_code == 0, applied.stderr
    rows = json.loads(ledger.read_text())["rows"]
    assert [(r["step_id"], r["status"]) for r in rows] == [("settings/001", "applied")]
    assert any(e["event"] == "step_applied" and e["target"] == "." for e in events(git_repo))
    assert not git(git_repo, "status", "--porcelain", "--untracked-files=no").strip()

    planned = cli("plan")  # plan and review ask the kind (describe), never its name
    assert planned.exit_code == 0, planned.stderr
    plan_md = (git_repo / "docs/plan-outputs/settings/migration-plan.md").read_text()
    assert "verify checks that app.conf has the line 'timeout = 30'" in plan_md
    reviewed = cli("review")
    assert reviewed.exit_code == 0, reviewed.stderr
    assert "puts 'timeout = 10' back" in reviewed.stdout
    git(git_repo, "clean", "-fdq", "docs")

    status = cli("status", "--target", ".", "--json")
    assert status.exit_code == 0, status.stderr
    assert [s["state"] for s in json.loads(status.stdout)["steps"]] == ["applied"]
    assert cli("verify", "--target", ".").exit_code == 0

    (git_repo / "app.conf").write_text(CONF)  # the change lost by hand: verify says so
    broken = cli("verify", "--target", ".")
    assert broken.exit_code != 0 and "timeout = 30" in broken.stdout + broken.stderr

    head = git(git_repo, "rev-parse", "HEAD").strip()
    dirty = cli("rollback", "--target", ".", "--steps", "1")  # app.conf is modified
    assert dirty.exit_code == 2 and "uncommitted changes" in dirty.stderr
    assert git(git_repo, "rev-parse", "HEAD").strip() == head
    git(git_repo, "checkout", "--", "app.conf")

    rolled = cli("rollback", "--target", ".", "--steps", "1")
    assert rolled.exit_code == 0, rolled.stderr
    assert (git_repo / "app.conf").read_text() == CONF
    message = git(git_repo, "log", "-1", "--format=%B")
    assert "Migrate-Rollback: settings/001" in message
    assert git(git_repo, "rev-parse", "HEAD~1").strip() == head  # one commit, the inverse
    assert (git_repo / "migrations/settings/001-raise-timeout/step.toml").exists()
    assert json.loads(ledger.read_text())["rows"][0]["status"] == "rolled_back"
    status = json.loads(cli("status", "--target", ".", "--json").stdout)
    assert [s["state"] for s in status["steps"]] == ["rolled_back"]

    again = cli("apply", "--target", ".")  # the change is no longer in the checked-out files
    assert again.exit_code == 1 and "revert the rollback commit" in again.stderr


def test_a_tree_step_added_through_the_cli(cli, git_repo: Path) -> None:  # type: ignore[no-untyped-def]
    """`add textedit` commits the edit of app.conf in the step's own commit (a project file of
    StepFiles), the checked-out file included; apply verifies it, rollback commits the inverse."""
    (git_repo / "app.conf").write_bytes(b"timeout = 10\r\nname = shop\n")
    git(git_repo, "add", "app.conf")
    git(git_repo, "commit", "-q", "-m", "config")
    start_migration(GitRepo(git_repo), "settings")
    add = ("add", "textedit", "-o", "file=app.conf", "-o", "old=timeout = 10",
           "-o", "new=timeout = 30", "-m", "raise the timeout")  # fmt: skip

    head = git(git_repo, "rev-parse", "HEAD").strip()
    (git_repo / "app.conf").write_bytes(b"timeout = 10\r\nname = mine\n")  # a local edit
    dirty = cli(*add)
    assert dirty.exit_code != 0 and "uncommitted changes" in dirty.stderr, dirty.stderr
    assert git(git_repo, "rev-parse", "HEAD").strip() == head
    assert (git_repo / "app.conf").read_bytes() == b"timeout = 10\r\nname = mine\n"
    git(git_repo, "checkout", "--", "app.conf")

    added = cli(*add)
    assert added.exit_code == 0, added.stderr
    changed = git(git_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == ["app.conf", "migrations/settings/001-raise-the-timeout/step.toml"]
    assert "Migrate-Step: settings/001" in git(git_repo, "log", "-1", "--format=%B")
    committed = b"timeout = 30\r\nname = shop\n"  # the line ending kept
    assert (git_repo / "app.conf").read_bytes() == committed
    assert not git(git_repo, "status", "--porcelain").strip()  # work tree and index match

    assert cli("apply", "--target", ".").exit_code == 0
    assert cli("verify", "--target", ".").exit_code == 0
    step_commit = git(git_repo, "rev-parse", "HEAD").strip()
    rolled = cli("rollback", "--target", ".", "--steps", "1")
    assert rolled.exit_code == 0, rolled.stderr
    assert (git_repo / "app.conf").read_bytes() == b"timeout = 10\r\nname = shop\n"
    assert git(git_repo, "rev-parse", "HEAD~1").strip() == step_commit  # the inverse commit
    assert "Migrate-Rollback: settings/001" in git(git_repo, "log", "-1", "--format=%B")
    assert not git(git_repo, "status", "--porcelain").strip()
    status = json.loads(cli("status", "--target", ".", "--json").stdout)
    assert [s["state"] for s in status["steps"]] == ["rolled_back"]


def test_tree_steps_on_an_outside_tree_run_beside_database_steps(
    cli, git_repo: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    (deployed / "app.conf").write_bytes(CONF.encode())
    config = git_repo / ".gitmigrate.toml"
    config.write_text(config.read_text() + f'\n[targets.deployed]\npath = "{deployed}"\n')
    git(git_repo, "commit", "-q", "-am", "the deployed tree")
    repo = GitRepo(git_repo)
    start_migration(repo, "settings")
    add_sql_step(
        repo,
        summary="items",
        up=SqlSource("CREATE TABLE items (id INTEGER PRIMARY KEY)", "up.sql"),
        down=SqlSource("DROP TABLE items", "down.sql"),
    )
    textedit_step(git_repo, 2, "timeout = 10", "timeout = 30", target="deployed")

    dry = cli("apply", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert (deployed / "app.conf").read_text() == CONF
    assert sorted(p.name for p in deployed.iterdir()) == ["app.conf"]

    applied = cli("apply")  # the database step on dev, the tree step on the deployed tree
    assert applied.exit_code == 0, applied.stderr
    assert (deployed / "app.conf").read_text() == "timeout = 30\nname = shop\n"
    ledger = json.loads((deployed / ".gitmigrate-ledger.json").read_text())
    assert [(r["step_id"], r["status"]) for r in ledger["rows"]] == [("settings/002", "applied")]
    lock = json.loads((deployed / ".gitmigrate-lock").read_text())
    assert lock["holder"] is None and lock["epoch"] == 1
    targets = {
        (e.get("step"), e["target"]) for e in events(git_repo) if e["event"] == "step_applied"
    }
    assert targets == {("settings/001", "dev"), ("settings/002", "deployed")}

    status = json.loads(cli("status", "--json").stdout)
    assert [s["state"] for s in status["steps"]] == ["applied", "applied"]
    assert cli("verify").exit_code == 0

    head = git(git_repo, "rev-parse", "HEAD").strip()
    rolled = cli("rollback", "--all", "--yes")
    assert rolled.exit_code == 0, rolled.stderr
    assert (deployed / "app.conf").read_bytes() == CONF.encode()
    subjects = git(git_repo, "log", "--format=%s", f"{head}..HEAD").splitlines()
    assert subjects == ["rollback: items", "rollback: raise the timeout"]  # empty record commits
    status = json.loads(cli("status", "--json").stdout)
    assert [s["state"] for s in status["steps"]] == ["rolled_back", "rolled_back"]


def test_the_pre_push_hook_passes_a_tree_step(cli, git_repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    install_pre_push(GitRepo(git_repo))
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(git_repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    (git_repo / "app.conf").write_text(CONF)
    git(git_repo, "add", "app.conf")
    git(git_repo, "commit", "-q", "-m", "config")
    start_migration(GitRepo(git_repo), "settings")
    textedit_step(git_repo, 1, "timeout = 10", "timeout = 30")
    env = {**os.environ, "PYTHONPATH": cli.pythonpath}
    pushed = subprocess.run(
        ["git", "push", "origin", "migrate/settings"],
        cwd=git_repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert pushed.returncode == 0, pushed.stderr
    assert "Traceback" not in pushed.stderr
    # the hook described the step through the plug-in (not the fallback for unknown kinds)
    cached = (git_repo / ".git/gitmigrate/cache/steps").glob("*.json")
    assert any("replaces the line 'timeout = 10'" in p.read_text() for p in cached)
    remote = git(tmp_path / "remote.git", "for-each-ref", "--format=%(refname)")
    assert "refs/heads/migrate/settings" in remote
