"""The pre-push hook end to end: installed by `git migrate init --hooks` in a clone, run by a
real `git push` to a bare remote. One allowed push (the notes arrive too), one blocked push per
check, the escape hatches, and bad input to the hook itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.hooks.install import hook_text
from gitmigrate.hooks.protocol import parse_updates
from tests.fixtures_git import CliResult, CliRunner, git, make_repo

UP = "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name TEXT\n);\n"
DOWN = "DROP TABLE users;\n"
REPO_ROOT = Path(__file__).resolve().parents[2]


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", *args], cwd=repo, capture_output=True, text=True, check=False
    )


def remote_refs(remote: Path) -> dict[str, str]:
    out = git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(tuple(line.split(" ", 1)) for line in out.splitlines())  # type: ignore[misc]


def commit_step(repo: Path, path: str, files: dict[str, str], message: str) -> None:
    """A step committed by hand (plain git), as a hook must expect."""
    for name, text in files.items():
        target = repo / path / name if not name.startswith("/") else repo / name[1:]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def clone(
    tmp_path: Path, git_env: dict[str, str], run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A clone of a bare remote, hook installed, on migrate/users with one good step."""
    seed = make_repo(tmp_path / "seed")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(seed, "push", "-q", str(tmp_path / "remote.git"), "main")
    git(tmp_path, "clone", "-q", "remote.git", "work")
    work = tmp_path / "work"
    monkeypatch.chdir(work)
    result = ok(run_cli("init", "--hooks"))
    assert "installed the git-migrate pre-push hook: .git/hooks/pre-push" in result.stdout
    (tmp_path / "down.sql").write_text(DOWN)
    ok(run_cli("start", "users", "-m", "the users table"))
    ok(run_cli("add", "sql", "--up", "-", "--down", str(tmp_path / "down.sql"),
               "-m", "Create users", stdin=UP))  # fmt: skip
    return work


def blocked(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0, result.stderr
    assert "git-migrate: push of migrate/users to origin blocked" in result.stderr
    ours = result.stderr.split("error: failed to push")[0]
    assert ours.rstrip().endswith("bypass with git push --no-verify"), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def test_allowed_push_carries_the_notes(clone: Path) -> None:
    result = push(clone, "origin", "migrate/users")
    assert result.returncode == 0, result.stderr
    remote = remote_refs(clone.parent / "remote.git")
    assert remote["refs/heads/migrate/users"] == git(clone, "rev-parse", "HEAD").strip()
    assert remote["refs/notes/migrate"] == git(clone, "rev-parse", "refs/notes/migrate").strip()
    assert "git-migrate: pushed refs/notes/migrate to origin" in result.stderr
    again = push(clone, "origin", "migrate/users")  # nothing new: no nested notes push
    assert again.returncode == 0 and "pushed refs/notes" not in again.stderr


def test_no_rollback_and_no_irreversible_reason_blocks(clone: Path) -> None:
    step = "migrations/users/002-add-email"
    commit_step(clone, step, {"step.toml": 'kind = "sql"\nsummary = "Add email"\n',
                              "up.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n"}, "add email")  # fmt: skip
    blocked(
        push(clone, "origin", "migrate/users"),
        f"step users/002 ({step}) has no down.sql and no irreversible reason",
        f"add {step}/down.sql, or state why no rollback can exist",
    )
    assert "refs/heads/migrate/users" not in remote_refs(clone.parent / "remote.git")
    assert "refs/notes/migrate" not in remote_refs(clone.parent / "remote.git")


def test_sql_that_does_not_parse_blocks_with_its_position(clone: Path) -> None:
    step = "migrations/users/002-bad"
    commit_step(clone, step, {"step.toml": 'kind = "sql"\nsummary = "Bad"\n',
                              "up.sql": "ALTER TABLE users\n  ADD COLUMN email TEXT,,;\n",
                              "down.sql": "ALTER TABLE users DROP COLUMN email;\n"}, "bad")  # fmt: skip
    blocked(push(clone, "origin", "migrate/users"), f"{step}/up.sql:2:25: SQL does not parse")


def test_lint_error_blocks_until_allowed_in_step_toml(clone: Path) -> None:
    step = "migrations/users/002-add-age"
    files = {
        "step.toml": 'kind = "sql"\nsummary = "Add age"\n',
        "up.sql": "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT 0;\n"
        "UPDATE users SET name = 'x' WHERE name = NULL;\n",
        "down.sql": "ALTER TABLE users DROP COLUMN age;\n",
    }
    commit_step(clone, step, files, "add age")
    blocked(
        push(clone, "origin", "migrate/users"),
        f"{step}/up.sql:2:1: lint error [comparison-with-null]",
        f'allow = ["comparison-with-null"] in {step}/step.toml',
    )
    commit_step(clone, step, {"step.toml": files["step.toml"] + 'allow = ["comparison-with-null"]\n'},
                "accept it")  # fmt: skip
    result = push(clone, "origin", "migrate/users")
    assert result.returncode == 0, result.stderr


def test_step_changed_after_it_was_applied_blocks(clone: Path, run_cli: CliRunner) -> None:
    ok(run_cli("apply"))  # real run against the dev SQLite target: records step_applied
    assert push(clone, "origin", "migrate/users").returncode == 0
    remote = remote_refs(clone.parent / "remote.git")
    assert (
        remote["refs/notes/migrate-runs"]
        == git(clone, "rev-parse", "refs/notes/migrate-runs").strip()
    )
    step = "migrations/users/001-create-users"
    commit_step(clone, step, {"up.sql": UP.replace("name TEXT", "name TEXT NOT NULL")}, "tweak")
    blocked(
        push(clone, "origin", "migrate/users"),
        "step users/001 was applied to dev on ",
        "and its files changed since",
        "add a new step for the change, or roll the step back there first",
    )


def test_config_step_with_a_plaintext_password_blocks(clone: Path) -> None:
    step = "migrations/users/002-app-config"
    commit_step(clone, step, {
        "step.toml": 'kind = "config"\nsummary = "Point the app at the new database"\n\n'
                     '[options]\nop = "set"\nfile = "config/app.toml"\nkey = "database.host"\n'
                     'value = "db.internal"\n',
        "/config/app.toml": '[database]\nhost = "db.internal"\npassword = "hunter2"\n'
                            'token = "${APP_TOKEN}"\n',
    }, "config: app database")  # fmt: skip
    result = push(clone, "origin", "migrate/users")
    blocked(result, "config/app.toml:3: plaintext value for 'password' in a config step")
    assert "hunter2" not in result.stderr and "token" not in result.stderr


def test_no_verify_pushes_anyway(clone: Path) -> None:
    commit_step(clone, "migrations/users/002-x", {"step.toml": 'kind = "sql"\nsummary = "x"\n',
                                                  "up.sql": "SELECT 1;\n"}, "x")  # fmt: skip
    result = push(clone, "--no-verify", "origin", "migrate/users")
    assert result.returncode == 0, result.stderr
    assert "git-migrate" not in result.stderr


def test_other_branches_are_not_checked_and_deletes_are_allowed(clone: Path) -> None:
    commit_step(clone, "migrations/users/002-x", {"step.toml": 'kind = "sql"\nsummary = "x"\n',
                                                  "up.sql": "SELECT 1;\n"}, "x")  # fmt: skip
    git(clone, "branch", "feature")
    result = push(clone, "origin", "feature")
    assert result.returncode == 0 and "git-migrate" not in result.stderr, result.stderr
    assert push(clone, "--no-verify", "origin", "migrate/users").returncode == 0
    deleted = push(clone, "origin", "--delete", "migrate/users")
    assert deleted.returncode == 0, deleted.stderr
    assert "refs/heads/migrate/users" not in remote_refs(clone.parent / "remote.git")


def test_pre_commit_environment_is_understood(
    clone: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_step(clone, "migrations/users/002-x", {"step.toml": 'kind = "sql"\nsummary = "x"\n',
                                                  "up.sql": "SELECT 1;\n"}, "x")  # fmt: skip
    for key, value in {
        "PRE_COMMIT": "1",
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/migrate/users",
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/migrate/users",
        "PRE_COMMIT_REMOTE_NAME": "origin",
        "PRE_COMMIT_TO_REF": git(clone, "rev-parse", "HEAD").strip(),
        "PRE_COMMIT_FROM_REF": git(clone, "rev-parse", "main").strip(),
    }.items():
        monkeypatch.setenv(key, value)
    result = run_cli("hook", "pre-push")
    assert result.exit_code == 1
    assert "step users/002 (migrations/users/002-x) has no down.sql" in result.stderr


@pytest.mark.parametrize(
    "line",
    [
        "garbage",
        "refs/heads/a 1234 refs/heads/a 5678",
        f"refs/heads/a {'0' * 40} refs/heads/a",
        f"refs/heads/a {'g' * 40} refs/heads/a {'0' * 40}",
        f"refs/heads/a {'a' * 40} refs/heads/a {'0' * 40} extra",
        "\x00\x01 \u2603",
    ],
)
def test_malformed_pre_push_lines_are_usage_errors(line: str) -> None:
    with pytest.raises(UsageError, match="pre-push input line 1"):
        parse_updates(line + "\n")


def test_malformed_stdin_gives_a_clear_error_not_a_traceback(
    clone: Path, run_cli: CliRunner
) -> None:
    result = run_cli("hook", "pre-push", "origin", "url", stdin="refs/heads/migrate/users oops\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: pre-push input line 1 is malformed (2 fields)")
    assert "hint: " in result.stderr and "Traceback" not in result.stderr


def test_init_hooks_respects_hooks_path_and_keeps_a_foreign_hook(
    clone: Path, run_cli: CliRunner
) -> None:
    git(clone, "config", "core.hooksPath", ".githooks")
    (clone / ".githooks").mkdir()
    theirs = "#!/bin/sh\necho theirs\n"
    (clone / ".githooks" / "pre-push").write_text(theirs)
    result = ok(run_cli("init", "--hooks"))
    assert (
        "kept your existing pre-push hook as .githooks/pre-push.gitmigrate-backup" in result.stdout
    )
    assert (clone / ".githooks" / "pre-push.gitmigrate-backup").read_text() == theirs
    assert "git-migrate hook pre-push" in (clone / ".githooks" / "pre-push").read_text()
    assert ok(run_cli("init", "--hooks")).stdout.strip() == "already initialised; nothing to do"


def test_shipped_hook_files_match_what_init_installs() -> None:
    assert (REPO_ROOT / "hooks" / "pre-push").read_text() == hook_text("")
    spec = (REPO_ROOT / ".pre-commit-hooks.yaml").read_text()
    for fragment in ("id: git-migrate-pre-push", "stages: [pre-push]", "language: python",
                     "entry: git-migrate hook pre-push", "pass_filenames: false"):  # fmt: skip
        assert fragment in spec


def test_diverged_remote_notes_are_merged_before_they_are_pushed(
    clone: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.notes import append_run_events, read_run_events

    assert push(clone, "origin", "migrate/users").returncode == 0
    step_commit = git(clone, "rev-parse", "HEAD").strip()
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "remote.git", "other")
    git(other, "fetch", "-q", "origin", "refs/notes/*:refs/notes/*")
    append_run_events(GitRepo(other), [(step_commit, {"event": "note", "from": "other"})])
    git(other, "push", "-q", "--no-verify", "origin", "refs/notes/migrate-runs")
    append_run_events(GitRepo(clone), [(step_commit, {"event": "note", "from": "clone"})])
    git(clone, "commit", "-q", "--allow-empty", "-m", "more")
    result = push(clone, "origin", "migrate/users")
    assert result.returncode == 0, result.stderr
    assert "merged the remote's first: refs/notes/migrate-runs" in result.stderr
    remote_tip = remote_refs(clone.parent / "remote.git")["refs/notes/migrate-runs"]
    assert remote_tip == git(clone, "rev-parse", "refs/notes/migrate-runs").strip()
    events = read_run_events(GitRepo(clone), [step_commit])[step_commit]
    assert sorted(e["from"] for e in events) == ["clone", "other"]


@pytest.mark.parametrize(
    ("text", "full", "expected"),
    [
        ('password = "hunter2"', True, [(1, "plaintext value for 'password'")]),
        ('password = "${DB_PASSWORD}"', True, []),
        ("db:\n  secret: s3cr3t-value", True, [(2, "plaintext value for 'secret'")]),
        ("secret: ${APP_SECRET}", True, []),
        ("password_min_length = 12\nsecret_file = '/run/secrets/db'", True, []),
        ('token = "{{ vault_token }}"', True, []),
        ("key = AKIAABCDEFGHIJKLMNOP", True, [(1, "AWS access key id")]),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", True, [(1, "private key block")]),
        ('url = "postgresql://app:hunter2@db/app"', False, [(1, "URL with a password")]),
        ('url = "postgresql://app:${PW}@db/app"', False, []),
        ('password = "hunter2"', False, []),  # only URLs outside config steps
        ("sqlite:///data/a:b@c.db", True, []),
    ],
)
def test_secret_scanner(text: str, full: bool, expected: list[tuple[int, str]]) -> None:
    from gitmigrate.review.secrets import scan_text

    assert scan_text(text, full=full) == expected
