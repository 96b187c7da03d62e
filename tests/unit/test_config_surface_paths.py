"""Where config commands may read and write: repository paths, and the only places decrypted
text may be written (outside the work tree, or an ignored untracked path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.api.config_query import repo_path
from gitmigrate.api.config_secrets import _recipients, _safe_output
from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError
from tests.fixtures_git import git


def test_repo_paths(git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(git_repo)
    (git_repo / "config").mkdir()
    (git_repo / "config" / "a.yaml").write_text("a: 1\n")
    assert repo_path(repo, "config/a.yaml") == "config/a.yaml"
    assert repo_path(repo, git_repo / "config" / "a.yaml") == "config/a.yaml"
    monkeypatch.chdir(git_repo / "config")
    assert repo_path(repo, "a.yaml") == "config/a.yaml"  # from the current directory
    monkeypatch.chdir(tmp_path)
    assert repo_path(repo, "config/a.yaml") == "config/a.yaml"  # else from the root
    with pytest.raises(UsageError, match="does not exist"):
        repo_path(repo, "config/b.yaml")
    assert repo_path(repo, "config/b.yaml", must_exist=False) == "config/b.yaml"
    (tmp_path / "out.yaml").write_text("a: 1\n")
    with pytest.raises(UsageError, match="outside the repository"):
        repo_path(repo, tmp_path / "out.yaml")


def test_decrypted_text_goes_only_where_git_cannot_commit_it(
    git_repo: Path, tmp_path: Path
) -> None:
    repo = GitRepo(git_repo)
    (git_repo / ".gitignore").write_text("*.plain.yaml\nsecret/\n")
    assert _safe_output(repo, str(tmp_path / "x.yaml")) == str((tmp_path / "x.yaml").resolve())
    assert _safe_output(repo, str(git_repo / "a.plain.yaml")) == "a.plain.yaml"
    assert _safe_output(repo, str(git_repo / "secret" / "b.yaml")) == "secret/b.yaml"
    with pytest.raises(UsageError, match="is not git-ignored"):
        _safe_output(repo, str(git_repo / "config.yaml"))
    (git_repo / "kept.plain.yaml").write_text("x: 1\n")
    git(git_repo, "add", "-f", "kept.plain.yaml")
    with pytest.raises(UsageError, match="is tracked by git"):
        _safe_output(repo, str(git_repo / "kept.plain.yaml"))


AGE = "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw"
FPR = "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4"


def test_recipient_specs(git_repo: Path) -> None:
    pytest.importorskip("gitmigrate.files.sops")
    with (git_repo / ".gitmigrate.toml").open("a") as handle:
        handle.write(f'\n[environments.prod]\nkeys = {{ age = ["{AGE}"] }}\n')
    config = load_config(GitRepo(git_repo))
    assert _recipients(config, "prod").age == (AGE,)
    both = _recipients(config, f"{AGE}, {FPR.lower()}")
    assert both.age == (AGE,) and both.pgp == (FPR,)
    with pytest.raises(UsageError, match="neither an environment"):
        _recipients(config, "staging")
