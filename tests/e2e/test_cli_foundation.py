"""The foundation commands end to end: init, start, add sql, list, log, show, diff (push/fetch
are in tests/integration/test_sync.py), and every bad input with its exit code and message."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.fixtures_git import CliResult, CliRunner, git, make_repo, snapshot

UP = "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL\n);\n"
DOWN = "DROP TABLE users;\n"
VERIFY = "SELECT count(*) = 0 FROM users;\n"
UP2 = "ALTER TABLE users ADD COLUMN email TEXT;\n"
DOWN2 = "ALTER TABLE users DROP COLUMN email;\n"


@pytest.fixture
def sql_dir(tmp_path: Path) -> Path:
    d = tmp_path / "sql"
    d.mkdir()
    for name, text in {
        "up.sql": UP,
        "down.sql": DOWN,
        "verify.sql": VERIFY,
        "up2.sql": UP2,
        "down2.sql": DOWN2,
        "bad.sql": "CREATE TABLE t (\n  id INTEGER,,\n);\n",
    }.items():
        (d / name).write_text(text)
    return d


def ok(result: CliResult) -> CliResult:
    assert result.exit_code == 0, result.stderr
    return result


def fails(result: CliResult, code: int, *fragments: str) -> None:
    """A user error: the exit code of DESIGN.md, `error: ...` plus a hint, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: "), result.stderr
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("  hint: ")), lines
    assert "Traceback" not in result.stderr and "unexpected failure" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


@pytest.fixture
def authored(git_repo: Path, sql_dir: Path, run_cli: CliRunner) -> Path:
    """migrate/users with three steps: files + verify, stdin, irreversible."""
    ok(run_cli("start", "users", "-m", "the users table"))
    ok(
        run_cli(
            "add", "sql", "--up", str(sql_dir / "up.sql"), "--down", str(sql_dir / "down.sql"),
            "--verify", str(sql_dir / "verify.sql"), "-m", "Create users table",
        )
    )  # fmt: skip
    ok(run_cli("add", "sql", "--up", "-", "--down", str(sql_dir / "down2.sql"),
               "-m", "Add email", stdin=UP2))  # fmt: skip
    ok(run_cli("add", "sql", "--up", "-", "--irreversible", "deletes rows", "-m", "Purge",
               stdin="DELETE FROM users WHERE name = '';\n"))  # fmt: skip
    return git_repo


def test_authoring_flow(authored: Path, run_cli: CliRunner) -> None:
    repo = authored
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == "migrate/users"
    assert git(repo, "status", "--porcelain") == ""
    step1 = repo / "migrations/users/001-create-users-table"
    assert (step1 / "up.sql").read_text() == UP
    assert (step1 / "verify.sql").read_text() == VERIFY
    assert (repo / "migrations/users/002-add-email/up.sql").read_text() == UP2
    assert not (repo / "migrations/users/003-purge/down.sql").exists()
    assert (
        'irreversible = "deletes rows"'
        in (repo / "migrations/users/003-purge/step.toml").read_text()
    )

    listed = json.loads(ok(run_cli("list", "--json")).stdout)
    assert [(m["name"], m["steps"], m["branch"], m["description"]) for m in listed] == [
        ("users", 3, "migrate/users", "the users table")
    ]
    assert "users" in ok(run_cli("list")).stdout

    log = json.loads(ok(run_cli("log", "--json")).stdout)
    assert [(s["id"], s["kind"], s["summary"]) for s in log] == [
        ("users/001", "sql", "Create users table"),
        ("users/002", "sql", "Add email"),
        ("users/003", "sql", "Purge"),
    ]
    assert log[2]["irreversible"] == "deletes rows"
    assert all(s["note"]["checksum"] == s["checksum"] for s in log)
    assert "users/002" in ok(run_cli("log")).stdout
    assert json.loads(ok(run_cli("log", "users", "--json", cwd=repo)).stdout) == log

    by_number = json.loads(ok(run_cli("show", "1", "--json")).stdout)
    by_id = json.loads(ok(run_cli("show", "users/001", "--json")).stdout)
    by_commit = json.loads(ok(run_cli("show", by_number["commit"][:10], "--json")).stdout)
    assert by_number == by_id == by_commit
    assert by_number["files"]["up.sql"] == UP
    assert by_number["note"]["impact"]["down"]["destructive"] is True
    shown = ok(run_cli("show", "users/2")).stdout
    assert "step users/002: Add email" in shown and "ADD COLUMN email" in shown

    diff = ok(run_cli("diff")).stdout
    assert "migrations/users/003-purge/up.sql" in diff and "+DELETE FROM users" in diff
    assert "002-add-email" not in diff
    between = json.loads(ok(run_cli("diff", "1", "3", "--json")).stdout)
    assert {f["path"] for f in between} == {
        f"migrations/users/{d}/{f}"
        for d, files in {"002-add-email": ("up.sql", "down.sql", "step.toml"),
                         "003-purge": ("up.sql", "step.toml")}.items()
        for f in files
    }  # fmt: skip

    assert json.loads(ok(run_cli("status", "--json")).stdout)  # owned by the status tests


def test_git_shows_one_commit_per_step_with_trailers_and_notes(authored: Path) -> None:
    repo = authored
    fmt = "%s%x1f%(trailers:key=Migrate-Step,valueonly)%x1f%(trailers:key=Migrate-Kind,valueonly)%x1f%(trailers:key=Migrate-Checksum,valueonly)%x1e"
    records = [
        r.strip("\n").split("\x1f")
        for r in git(repo, "log", f"--format={fmt}", "main..migrate/users").split("\x1e")
        if r.strip()
    ]
    assert [r[0] for r in records] == [
        "sql: Purge", "sql: Add email", "sql: Create users table", "migrate: start users",
    ]  # fmt: skip
    assert [r[1].strip() for r in records[:3]] == ["users/003", "users/002", "users/001"]
    assert all(r[2].strip() == "sql" for r in records[:3])
    assert all(r[3].strip().startswith("gm-sha256-v1:") for r in records[:3])

    for step_dir in ("001-create-users-table", "002-add-email", "003-purge"):
        path = f"migrations/users/{step_dir}"
        commit = git(repo, "log", "-1", "--format=%H", "--", path).strip()
        assert git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", commit).split() == [
            f"{path}/{f}" for f in sorted(p.name for p in (repo / path).iterdir())
        ]
        note = json.loads(git(repo, "notes", "--ref", "migrate", "show", commit))
        on_disk = {p.name: p.read_bytes() for p in (repo / path).iterdir()}
        assert note["files"] == {n: hashlib.sha256(b).hexdigest() for n, b in on_disk.items()}
        trailer = git(
            repo, "log", "-1", "--format=%(trailers:key=Migrate-Checksum,valueonly)", commit
        )
        assert trailer.strip() == f"{note['checksum_algo']}:{note['checksum']}"


def test_init_via_cli_is_idempotent(
    tmp_path: Path, git_env: dict[str, str], run_cli: CliRunner
) -> None:
    repo = make_repo(tmp_path / "fresh", initialise=False)
    first = ok(run_cli("init", cwd=repo))
    assert "wrote .gitmigrate.toml" in first.stdout
    assert 'url = "sqlite:///.gitmigrate/dev.db"' in (repo / ".gitmigrate.toml").read_text()
    assert "already initialised" in ok(run_cli("init", cwd=repo)).stdout
    (repo / ".gitmigrate").mkdir()
    (repo / ".gitmigrate/dev.db").write_bytes(b"x")
    assert git(repo, "status", "--porcelain", "--untracked-files=all").split() == [
        "??", ".gitignore", "??", ".gitmigrate.toml",
    ]  # fmt: skip


def test_missing_step_note_is_recomputed(authored: Path, run_cli: CliRunner) -> None:
    commit = git(authored, "rev-parse", "HEAD").strip()
    git(authored, "notes", "--ref=migrate", "remove", commit)
    log = json.loads(ok(run_cli("log", "--json")).stdout)
    assert log[2]["note"]["recomputed"] is True
    assert log[2]["note"]["checksum"] == log[2]["checksum"]
    assert "recomputed" not in log[1]["note"]


def test_merged_migration_is_read_from_head(authored: Path, run_cli: CliRunner) -> None:
    git(authored, "switch", "-q", "main")
    git(authored, "merge", "-q", "--squash", "migrate/users")
    git(authored, "commit", "-q", "-m", "squash users")
    git(authored, "branch", "-q", "-D", "migrate/users")
    listed = json.loads(ok(run_cli("list", "--json")).stdout)
    assert [(m["name"], m["steps"], m["in_head"]) for m in listed] == [("users", 3, True)]
    log = json.loads(ok(run_cli("log", "--json")).stdout)
    assert [s["id"] for s in log] == ["users/001", "users/002", "users/003"]


# -- bad input: exit code, one-line message with a hint, nothing committed -------------------


def test_not_a_git_repository(tmp_path: Path, git_env: dict[str, str], run_cli: CliRunner) -> None:
    (tmp_path / "plain").mkdir()
    for args in (["init"], ["list"], ["start", "x"]):
        fails(
            run_cli(*args, cwd=tmp_path / "plain"), 2, "is not inside a git repository", "git init"
        )


def test_bare_repository(tmp_path: Path, git_env: dict[str, str], run_cli: CliRunner) -> None:
    git(tmp_path, "init", "-q", "--bare", "r.git")
    fails(run_cli("init", cwd=tmp_path / "r.git"), 2, "bare repository", "git clone")


def test_not_initialised(tmp_path: Path, git_env: dict[str, str], run_cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "p", initialise=False)
    before = snapshot(repo)
    fails(run_cli("start", "x", cwd=repo), 2, ".gitmigrate.toml is missing", "git migrate init")
    fails(run_cli("log", cwd=repo), 2, "git migrate init")
    assert snapshot(repo) == before


def test_start_refusals(git_repo: Path, run_cli: CliRunner) -> None:
    ok(run_cli("start", "users"))
    git(git_repo, "switch", "-q", "main")
    before = snapshot(git_repo)
    fails(run_cli("start", "users"), 2, "exists already", "git switch migrate/users")
    fails(run_cli("start", "bad..name"), 2, "not a valid migration name")
    fails(run_cli("start", "has space"), 2, "not a valid migration name")
    fails(run_cli("start", "x", "--from", "no-such-ref"), 2, "'no-such-ref' is not a commit")
    (git_repo / "README.md").write_text("edited\n")
    fails(run_cli("start", "other"), 2, "uncommitted changes (README.md)", "git stash")
    assert snapshot(git_repo) == before
    git(git_repo, "checkout", "-q", "README.md")
    ok(run_cli("start", "other", "--from", "main~1"))
    assert (
        git(git_repo, "rev-parse", "migrate/other~1").strip()
        == git(git_repo, "rev-parse", "main~1").strip()
    )


def test_start_without_identity_leaves_nothing(
    git_repo: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    git(git_repo, "config", "user.useConfigOnly", "true")
    before = snapshot(git_repo)
    fails(run_cli("start", "users"), 2, "git does not know who you are", "git config user.name")
    assert snapshot(git_repo) == before
    assert not (git_repo / "migrations").exists()


def test_add_refusals(git_repo: Path, sql_dir: Path, run_cli: CliRunner) -> None:
    up, down, bad = (str(sql_dir / n) for n in ("up.sql", "down.sql", "bad.sql"))
    fails(run_cli("add", "sql", "--up", up, "--down", down, "-m", "x"), 2,
          "'main' is not a migration branch", "git migrate start NAME")  # fmt: skip
    ok(run_cli("start", "users"))
    before = snapshot(git_repo)
    fails(run_cli("add", "sql", "--up", bad, "--down", down, "-m", "x"), 3,
          f"{bad}:2:14: SQL does not parse")  # fmt: skip
    fails(run_cli("add", "sql", "--up", "-", "--down", down, "-m", "x", stdin="SELEC 1;"), 3,
          "<stdin>:1:", "SQL does not parse")  # fmt: skip
    fails(run_cli("add", "sql", "--up", up, "-m", "x"), 2, "exactly one of --down")
    fails(run_cli("add", "sql", "--up", up, "--down", down, "--irreversible", "r", "-m", "x"), 2,
          "exactly one of --down")  # fmt: skip
    fails(run_cli("add", "sql", "--up", up, "--down", down, "-m", "  "), 2, "needs a summary")
    fails(run_cli("add", "sql", "--up", str(sql_dir / "nope.sql"), "--down", down, "-m", "x"), 2,
          "cannot read the up file")  # fmt: skip
    fails(run_cli("add", "sql", "--up", "-", "--down", "-", "-m", "x"), 2, "only one of")
    fails(run_cli("add", "sql", "--up", up, "--down", down, "--dialect", "oracle", "-m", "x"), 2,
          "unknown dialect 'oracle'")  # fmt: skip
    assert snapshot(git_repo) == before
    assert git(git_repo, "notes", "--ref=migrate", "list", check=False) == ""
    git(git_repo, "checkout", "-q", "--detach")
    detached = snapshot(git_repo)
    fails(run_cli("add", "sql", "--up", up, "--down", down, "-m", "x"), 2,
          "HEAD is detached", "git switch")  # fmt: skip
    assert snapshot(git_repo) == detached


def test_unknown_step(authored: Path, run_cli: CliRunner) -> None:
    before = snapshot(authored)
    fails(run_cli("show", "9"), 2, "unknown step '9': migration users has steps 1..3")
    fails(run_cli("show", "users/042"), 2, "unknown step 'users/042'")
    fails(run_cli("show", "nosuch/001"), 2, "no migration named 'nosuch'")
    fails(run_cli("show", "zzz-not-a-step"), 2, "unknown step 'zzz-not-a-step'")
    fails(run_cli("show", "main"), 2, "unknown step 'main'")
    fails(run_cli("diff", "7"), 2, "unknown step '7'")
    fails(run_cli("log", "nosuch"), 2, "no migration named 'nosuch'", "known migrations: users")
    git(authored, "switch", "-q", "main")
    fails(run_cli("show", "1"), 2, "ambiguous outside a migration branch", "NAME/NNN")
    assert snapshot(authored)[1] == before[1]


def test_note_edited_into_invalid_json(authored: Path, run_cli: CliRunner) -> None:
    commit = git(authored, "rev-parse", "HEAD~1").strip()
    git(authored, "notes", "--ref=migrate", "add", "-f", "-m", "{oops", commit)
    hint = f"git notes --ref=refs/notes/migrate remove {commit[:12]}"
    for args in (["log"], ["log", "--json"], ["show", "2"], ["show", "3"]):
        fails(
            run_cli(*args),
            1,
            f"the note on {commit[:12]} in refs/notes/migrate is not valid JSON",
            hint,
        )
    git(authored, "notes", "--ref=migrate", "remove", commit)
    ok(run_cli("log"))


def test_step_file_deleted_by_hand(authored: Path, sql_dir: Path, run_cli: CliRunner) -> None:
    git(authored, "rm", "-q", "migrations/users/001-create-users-table/down.sql")
    git(authored, "commit", "-q", "-m", "oops")
    before = snapshot(authored)
    fails(run_cli("log"), 1, "step users/001", "down.sql is missing", "git checkout")
    fails(run_cli("add", "sql", "--up", str(sql_dir / "up2.sql"), "--down",
                  str(sql_dir / "down2.sql"), "-m", "more"), 1, "down.sql is missing")  # fmt: skip
    assert snapshot(authored) == before
    git(authored, "checkout", "HEAD~1", "--", "migrations/users/001-create-users-table/down.sql")
    git(authored, "rm", "-q", "migrations/users/002-add-email/step.toml")
    git(authored, "commit", "-q", "-m", "oops again")
    fails(run_cli("list"), 1, "step.toml is missing")


def test_subprocess_errors_have_no_traceback(
    tmp_path: Path, git_env: dict[str, str], run_subprocess: CliRunner
) -> None:
    (tmp_path / "plain").mkdir()
    result = run_subprocess("log", "--json", cwd=tmp_path / "plain")
    fails(result, 2, "is not inside a git repository")
    assert result.stdout == ""
    usage = run_subprocess("show", cwd=tmp_path / "plain")
    assert usage.exit_code == 2 and "Missing argument 'STEP'" in usage.stderr


def test_subprocess_flow(git_repo: Path, sql_dir: Path, run_subprocess: CliRunner) -> None:
    ok(run_subprocess("start", "orders"))
    ok(run_subprocess("add", "sql", "--up", "-", "--down", str(sql_dir / "down.sql"),
                      "-m", "orders", stdin="CREATE TABLE orders (id INTEGER);\n"))  # fmt: skip
    log = json.loads(ok(run_subprocess("log", "--json")).stdout)
    assert [s["id"] for s in log] == ["orders/001"]


def test_read_commands_do_not_import_database_drivers(git_repo: Path) -> None:
    """Commands load lazily: `log` must not pay for SQLAlchemy, and --help still lists all."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gitmigrate", "log", "--json"],
        cwd=git_repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()}
    assert "sqlalchemy" not in imported and "git" not in imported and "rich" not in imported
    helped = subprocess.run(
        [sys.executable, "-m", "gitmigrate", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("init", "start", "add", "list", "status", "log", "show", "diff", "push", "fetch"):
        assert f"\n  {name} " in helped


def test_reading_steps_of_every_built_in_kind_loads_no_database_or_sql_library(
    git_repo: Path,
) -> None:
    """`log` asks each step's kind to check it: the kind classes, the API package and the
    capabilities they declare must not pull in SQLAlchemy or sqlglot (they did once, tripling
    a cold `log --json` on 1,000 steps)."""
    import subprocess
    import sys

    from gitmigrate import api

    api.start(git_repo, "kinds")
    api.add_sql(git_repo, summary="t", up="CREATE TABLE t (v INTEGER);", down="DROP TABLE t;")
    api.add_data(git_repo, summary="fill t", table="t", set=["v = 1"])
    shutil.rmtree(git_repo / ".git" / "gitmigrate" / "cache", ignore_errors=True)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gitmigrate", "log", "--json"],
        cwd=git_repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [s["id"] for s in json.loads(proc.stdout)] == ["kinds/001", "kinds/002"]
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()}
    assert not imported & {"sqlalchemy", "sqlglot", "psycopg", "pymysql"}
    # review (and the pre-push hook) describe every step through its kind: SQL is parsed
    # (sqlglot), but no database library is needed for that
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gitmigrate", "review"],
        cwd=git_repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()}
    assert "kinds/002" in proc.stdout and not imported & {"sqlalchemy", "psycopg", "pymysql"}
