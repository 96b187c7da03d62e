"""Tree steps on the repository itself, deployed from main: the rollback's inverse commit goes
on the checked-out branch (main, where the files are) and the record on migrate/<name>."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.engine.apply import ApplyOptions, apply
from gitmigrate.engine.registry import BUILTIN
from gitmigrate.engine.rollback import RollbackOptions, rollback
from gitmigrate.engine.status import target_status
from gitmigrate.errors import RepositoryStateError, UsageError
from tests.fixtures_git import git
from tests.plugins.textedit_steps import CONF, textedit_step


@pytest.fixture
def repo(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.setitem(BUILTIN, "textedit", "tests.plugins.textedit_kind:TextEditKind")
    (git_repo / "app.conf").write_text(CONF)
    git(git_repo, "add", "app.conf")
    git(git_repo, "commit", "-q", "-m", "config")
    start_migration(GitRepo(git_repo), "settings")
    textedit_step(git_repo, 1, "timeout = 10", "timeout = 30")
    git(git_repo, "switch", "-q", "main")
    git(git_repo, "merge", "-q", "--no-ff", "-m", "merge settings", "migrate/settings")
    return GitRepo(git_repo)


def test_rolling_back_from_main_commits_on_main_and_records_on_the_branch(repo: GitRepo) -> None:
    apply(repo, ApplyOptions(target="."))
    assert target_status(repo, ".").steps[0].state == "applied"
    branch_tip = git(repo.root, "rev-parse", "migrate/settings").strip()
    main_tip = git(repo.root, "rev-parse", "main").strip()

    rollback(repo, RollbackOptions(target=".", all=True))
    assert (repo.root / "app.conf").read_text() == CONF
    assert git(repo.root, "rev-parse", "main~1").strip() == main_tip
    main_message = git(repo.root, "log", "-1", "--format=%B", "main")
    assert "Migrate-Rollback: settings/001" in main_message and "the inverse of" in main_message
    assert git(repo.root, "rev-parse", "migrate/settings~1").strip() == branch_tip
    record = git(repo.root, "log", "-1", "--format=%B", "migrate/settings")
    assert "Migrate-Rollback: settings/001" in record
    assert not git(repo.root, "diff", "migrate/settings~1", "migrate/settings")  # empty commit
    assert target_status(repo, ".").steps[0].state == "rolled_back"


def test_an_inverse_that_no_longer_applies_is_refused_and_recorded(repo: GitRepo) -> None:
    apply(repo, ApplyOptions(target="."))
    conf = repo.root / "app.conf"
    conf.write_text(conf.read_text().replace("timeout = 30", "timeout = 45"))
    git(repo.root, "commit", "-q", "-am", "a later change to the same line")
    head = repo.head_commit()
    with pytest.raises(UsageError, match="does not apply"):
        rollback(repo, RollbackOptions(target=".", all=True))
    assert repo.head_commit() == head and not repo.dirty_paths()
    state = target_status(repo, ".").steps[0]
    assert state.state == "applied" and "does not apply" in (state.error or "")


def test_a_rollback_commit_git_cannot_write_changes_nothing(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply(repo, ApplyOptions(target="."))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    git(repo.root, "config", "user.useConfigOnly", "true")  # no identity guessed from the host
    head = repo.head_commit()
    with pytest.raises(RepositoryStateError, match="who you are"):
        rollback(repo, RollbackOptions(target=".", all=True))
    assert repo.head_commit() == head and not repo.dirty_paths()  # index and files untouched
    assert (repo.root / "app.conf").read_text() == CONF.replace("10", "30")
    assert target_status(repo, ".").steps[0].state == "applied"
