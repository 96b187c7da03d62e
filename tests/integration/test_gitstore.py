"""GitRepo: the one module that runs git, against real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.gitstore import GitRepo, parse_trailers
from gitmigrate.errors import NotARepositoryError, RepositoryStateError, UsageError
from tests.fixtures_git import git, make_repo


def test_not_a_repository(tmp_path: Path, git_env: dict[str, str]) -> None:
    with pytest.raises(NotARepositoryError) as info:
        GitRepo(tmp_path)
    assert "is not inside a git repository" in info.value.message
    assert info.value.exit_code == 2


def test_bare_repository(tmp_path: Path, git_env: dict[str, str]) -> None:
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    with pytest.raises(RepositoryStateError, match="bare repository"):
        GitRepo(tmp_path / "remote.git")


def test_found_from_a_subdirectory(git_repo: Path) -> None:
    sub = git_repo / "a" / "b"
    sub.mkdir(parents=True)
    repo = GitRepo(sub)
    assert repo.root == git_repo
    assert repo.current_branch() == "main"


def test_detached_head(git_repo: Path) -> None:
    git(git_repo, "checkout", "-q", "--detach")
    repo = GitRepo(git_repo)
    assert repo.current_branch() is None
    with pytest.raises(RepositoryStateError, match="detached"):
        repo.require_branch()


def test_commit_files_on_checked_out_branch_leaves_other_staged_work(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    (git_repo / "README.md").write_text("# staged edit\n")
    git(git_repo, "add", "README.md")
    before = repo.head_commit()
    commit = repo.commit_files(
        branch="main", message="test: one\n\nMigrate-Step: x/001\n", files={"a/b.txt": b"hi\n"}
    )
    assert repo.head_commit() == commit
    assert git(git_repo, "rev-parse", f"{commit}^").strip() == before
    assert git(git_repo, "show", "--name-only", "--format=", commit).split() == ["a/b.txt"]
    assert (git_repo / "a" / "b.txt").read_bytes() == b"hi\n"
    # the user's staged edit is still staged, and not in the commit
    assert git(git_repo, "diff", "--cached", "--name-only").split() == ["README.md"]
    assert repo.show_file(commit, "README.md") == b"# project\n"


def test_commit_files_on_another_branch_does_not_touch_the_work_tree(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    git(git_repo, "branch", "other")
    commit = repo.commit_files(branch="other", message="x", files={"f.txt": b"1"})
    assert repo.rev_parse("other") == commit
    assert repo.current_branch() == "main"
    assert not (git_repo / "f.txt").exists()
    assert repo.dirty_paths() == []


def test_project_files_change_in_the_same_commit_and_in_the_work_tree(git_repo: Path) -> None:
    """A step's project files: changed, created and deleted in the step commit, the checked-out
    files and the index brought to it (status clean), an executable file staying executable."""
    repo = GitRepo(git_repo)
    (git_repo / "run.sh").write_text("echo 1\n")
    (git_repo / "old.txt").write_text("gone soon\n")
    git(git_repo, "add", "run.sh", "old.txt")
    git(git_repo, "update-index", "--chmod=+x", "run.sh")
    git(git_repo, "commit", "-q", "-m", "files")
    git(git_repo, "checkout", "-q", "--", ".")
    commit = repo.commit_files(
        branch="main",
        message="step",
        files={"migrations/m/001-s/step.toml": b'kind = "x"\n'},
        project_files={"run.sh": b"echo 2\n", "new/conf.ini": b"a = 1\n", "old.txt": None},
    )
    shown = git(git_repo, "show", "--name-status", "--format=", commit).split("\n")
    assert sorted(line for line in shown if line) == [
        "A\tmigrations/m/001-s/step.toml", "A\tnew/conf.ini", "D\told.txt", "M\trun.sh",
    ]  # fmt: skip
    assert (git_repo / "run.sh").read_text() == "echo 2\n"
    assert (git_repo / "new" / "conf.ini").read_text() == "a = 1\n"
    assert not (git_repo / "old.txt").exists()
    assert git(git_repo, "ls-tree", commit, "run.sh").startswith("100755")
    assert not git(git_repo, "status", "--porcelain").strip()


def test_project_files_with_local_changes_are_refused(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    head = repo.head_commit()
    (git_repo / "README.md").write_text("# my edit\n")
    (git_repo / "notes.txt").write_text("untracked\n")
    for path in ("README.md", "notes.txt"):
        with pytest.raises(RepositoryStateError, match=f"{path}, which has uncommitted changes"):
            repo.commit_files(
                branch="main", message="x", files={"m/step.toml": b"x"},
                project_files={path: b"theirs\n"},
            )  # fmt: skip
    assert repo.head_commit() == head
    assert (git_repo / "README.md").read_text() == "# my edit\n"
    assert not (git_repo / "m").exists()


def test_commit_files_refuses_an_identical_tree(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    with pytest.raises(UsageError, match="nothing to commit"):
        repo.commit_files(branch="main", message="x", files={"README.md": b"# project\n"})
    empty = repo.commit_files(branch="main", message="empty", files={}, allow_empty=True)
    assert repo.head_commit() == empty


def test_missing_identity_is_a_clear_error(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    git(git_repo, "config", "user.useConfigOnly", "true")
    repo = GitRepo(git_repo)
    before = repo.head_commit()
    with pytest.raises(RepositoryStateError, match="who you are"):
        repo.commit_files(branch="main", message="x", files={"f.txt": b"1"})
    assert repo.head_commit() == before


def test_log_reads_trailers_in_one_pass(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    message = "sql: a\n\nbody\n\nMigrate-Step: m/001\nMigrate-Kind: sql\nMigrate-Checksum: x:y\n"
    commit = repo.commit_files(branch="main", message=message, files={"f": b"1"})
    entries = repo.log("main")
    assert entries[0].commit == commit
    assert entries[0].subject == "sql: a"
    assert entries[0].trailers == {
        "Migrate-Step": "m/001",
        "Migrate-Kind": "sql",
        "Migrate-Checksum": "x:y",
    }
    assert entries[0].author == "Ada Tester <ada@example.com>"
    assert [e.subject for e in entries[1:]] == ["git migrate init", "initial commit"]
    assert [e.commit for e in repo.log("main", paths=["f"])] == [commit]


def test_parse_trailers_ignores_prose() -> None:
    assert parse_trailers("Migrate-Step: a/001\nnot a trailer\nKey:value\n") == {
        "Migrate-Step": "a/001",
        "Key": "value",
    }


def test_update_ref_is_compare_and_swap(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    head = repo.head_commit()
    assert head is not None
    parent = repo.rev_parse("HEAD^")
    assert parent is not None
    assert not repo.update_ref("refs/heads/main", parent, "0" * 40)  # wrong old value
    assert repo.update_ref("refs/heads/main", parent, head)
    assert repo.head_commit() == parent
    assert repo.update_ref("refs/heads/new", head, None)
    assert not repo.update_ref("refs/heads/new", parent, None)  # exists already


def test_config_helpers_and_remotes(git_repo: Path, tmp_path: Path) -> None:
    repo = GitRepo(git_repo)
    assert repo.config_add_once("x.y", "a")
    assert not repo.config_add_once("x.y", "a")
    assert repo.config_add_once("x.y", "b")
    assert repo.config_get_all("x.y") == ["a", "b"]
    assert repo.config_get("x.missing") is None
    make_repo(tmp_path / "other", initialise=False)
    git(git_repo, "remote", "add", "up", str(tmp_path / "other"))
    assert repo.remotes() == ["up"]


def test_ls_tree_and_blobs(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    entries = {e.path: e for e in repo.ls_tree("HEAD")}
    assert set(entries) == {".gitignore", ".gitmigrate.toml", "README.md"}
    blobs = repo.read_blobs([entries["README.md"].sha])
    assert blobs == {entries["README.md"].sha: b"# project\n"}
    assert repo.show_file("HEAD", "nope") is None
    assert repo.is_valid_branch_name("migrate/ok")
    assert not repo.is_valid_branch_name("migrate/bad..name")
