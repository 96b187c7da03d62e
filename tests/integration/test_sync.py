"""push/fetch between real clones through a bare remote: branches and notes, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core import sync
from gitmigrate.core.authoring import SqlSource, start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.initialise import init_project, notes_fetch_refspec
from gitmigrate.core.notes import RUN_NOTES_REF, append_run_events, read_run_events
from gitmigrate.errors import UsageError
from gitmigrate.kinds.sql.authoring import add_sql_step
from tests.fixtures_git import CliRunner, git, make_repo


@pytest.fixture
def clones(tmp_path: Path, git_env: dict[str, str]) -> tuple[GitRepo, GitRepo, str]:
    """Clone A (with migration `users`, one step, pushed) and clone B of the same bare remote."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a_path = make_repo(tmp_path / "a")
    git(a_path, "remote", "add", "origin", str(remote))
    git(a_path, "push", "-q", "origin", "main")
    a = GitRepo(a_path)
    init_project(a)
    start_migration(a, "users", description="users table")
    step = add_sql_step(
        a,
        summary="create users",
        up=SqlSource("CREATE TABLE users (id INTEGER PRIMARY KEY);\n", "up.sql"),
        down=SqlSource("DROP TABLE users;\n", "down.sql"),
    )
    assert step.commit is not None
    sync.push(a)
    git(tmp_path, "clone", "-q", str(remote), "b")
    b = GitRepo(tmp_path / "b")
    init_project(b)
    sync.fetch(b)
    return a, b, step.commit


def _events(repo: GitRepo, commit: str) -> set[str]:
    return {str(e["by"]) + ":" + str(e["n"]) for e in read_run_events(repo).get(commit, [])}


def test_both_clones_end_with_every_event(clones: tuple[GitRepo, GitRepo, str]) -> None:
    a, b, commit = clones
    assert b.rev_parse("origin/migrate/users") == commit  # fetch brought the branch
    append_run_events(a, [(commit, {"by": "a", "n": n, "event": "applied"}) for n in range(3)])
    append_run_events(b, [(commit, {"by": "b", "n": n, "event": "applied"}) for n in range(2)])
    append_run_events(b, [(commit, {"by": "b", "n": 2, "event": "applied"})])

    sync.push(a, "origin", "users")
    result = sync.push(b, "origin")  # must merge a's events before pushing
    assert RUN_NOTES_REF in result.merged
    sync.fetch(a)

    union = {"a:0", "a:1", "a:2", "b:0", "b:1", "b:2"}
    assert _events(a, commit) == union
    assert _events(b, commit) == union
    remote_runs = git(a.root, "ls-remote", "origin", RUN_NOTES_REF).split()[0]
    assert remote_runs == a.ref_value(RUN_NOTES_REF) == b.ref_value(RUN_NOTES_REF)

    # a second round is a no-op: no duplicates from cat_sort_uniq
    sync.fetch(b)
    sync.push(a)
    assert len(read_run_events(a)[commit]) == 6


def test_step_notes_travel_and_local_ones_are_kept(clones: tuple[GitRepo, GitRepo, str]) -> None:
    a, b, commit = clones
    shown = git(b.root, "notes", "--ref=migrate", "show", commit)
    assert '"checksum"' in shown
    # b's local-only note on another commit survives a fetch of a's notes
    head = b.head_commit()
    assert head is not None
    git(b.root, "notes", "--ref=migrate", "add", "-m", '{"local": true}', head)
    git(a.root, "notes", "--ref=migrate", "add", "-m", '{"from": "a"}', "main~1")
    sync.push(a)
    sync.fetch(b)
    assert '"local"' in git(b.root, "notes", "--ref=migrate", "show", head)
    assert '"from"' in git(b.root, "notes", "--ref=migrate", "show", "origin/main~1")


def test_cli_push_carries_branch_and_notes(
    clones: tuple[GitRepo, GitRepo, str], run_cli: CliRunner
) -> None:
    a, b, commit = clones
    git(b.root, "switch", "-q", "migrate/users")
    step = add_sql_step(
        b,
        summary="add email",
        up=SqlSource("ALTER TABLE users ADD COLUMN email TEXT;\n", "up.sql"),
        down=SqlSource("ALTER TABLE users DROP COLUMN email;\n", "down.sql"),
    )
    append_run_events(b, [(commit, {"by": "b", "n": 9, "event": "applied"})])

    pushed = run_cli("push", "origin", "users", cwd=b.root)
    assert pushed.exit_code == 0, pushed.stderr
    assert "pushed migrate/users and notes to origin" in pushed.stdout
    remote = dict(
        reversed(line.split("\t")) for line in git(b.root, "ls-remote", "origin").splitlines()
    )
    assert remote["refs/heads/migrate/users"] == step.commit
    assert remote["refs/notes/migrate"] == b.ref_value("refs/notes/migrate")
    assert remote[RUN_NOTES_REF] == b.ref_value(RUN_NOTES_REF)

    fetched = run_cli("fetch", cwd=a.root)
    assert fetched.exit_code == 0, fetched.stderr
    assert "merged notes" in fetched.stdout
    assert a.rev_parse("origin/migrate/users") == step.commit
    assert _events(a, commit) == {"b:9"}
    assert step.commit in git(a.root, "notes", "--ref=migrate", "list")


def test_push_unknown_remote_or_migration(
    clones: tuple[GitRepo, GitRepo, str], run_cli: CliRunner
) -> None:
    a, _, _ = clones
    with pytest.raises(UsageError, match="unknown remote 'nope'"):
        sync.push(a, "nope")
    result = run_cli("push", "origin", "nope", cwd=a.root)
    assert result.exit_code == 2
    assert "no migration branch migrate/nope" in result.stderr
    result = run_cli("fetch", "nope", cwd=a.root)
    assert result.exit_code == 2
    assert "unknown remote 'nope'" in result.stderr and "known remotes: origin" in result.stderr


def test_init_adds_the_notes_refspec_for_each_remote_idempotently(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    path = make_repo(tmp_path / "p", initialise=False)
    for name in ("origin", "backup"):
        git(path, "remote", "add", name, str(tmp_path / f"{name}.git"))
    repo = GitRepo(path)
    first = init_project(repo)
    assert first.created_config
    for name in ("origin", "backup"):
        specs = git(path, "config", "--get-all", f"remote.{name}.fetch").splitlines()
        assert specs == [f"+refs/heads/*:refs/remotes/{name}/*", notes_fetch_refspec(name)]
    assert notes_fetch_refspec("origin") == (
        "+refs/notes/migrate*:refs/notes/remotes/origin/migrate*"
    )
    assert git(path, "config", "notes.rewriteRef").strip() == "refs/notes/migrate*"
    assert (path / ".gitignore").read_text() == ".gitmigrate/\n"
    before = (path / ".gitmigrate.toml").read_text()

    second = init_project(repo)
    assert second.changes == [] and not second.created_config
    assert (path / ".gitignore").read_text() == ".gitmigrate/\n"
    assert (path / ".gitmigrate.toml").read_text() == before
    assert len(git(path, "config", "--get-all", "remote.origin.fetch").splitlines()) == 2


def test_plain_git_fetch_uses_inits_refspec(clones: tuple[GitRepo, GitRepo, str]) -> None:
    """After init, a plain `git fetch` parks remote notes beside (not onto) the local ones."""
    a, b, commit = clones
    append_run_events(a, [(commit, {"by": "a", "n": 1})])
    sync.push(a)
    local_before = b.ref_value(RUN_NOTES_REF)
    git(b.root, "fetch", "-q")
    assert b.ref_value("refs/notes/remotes/origin/migrate-runs") == a.ref_value(RUN_NOTES_REF)
    assert b.ref_value(RUN_NOTES_REF) == local_before
