"""The pre-push hook passes a branch of config steps (it describes them through the kind)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gitmigrate import api
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.hooks.install import install_pre_push
from tests.fixtures_git import git


def test_the_pre_push_hook_passes_config_steps(git_repo: Path, tmp_path: Path) -> None:
    install_pre_push(GitRepo(git_repo))
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(git_repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    (git_repo / "app.toml").write_text('[server]\nport = 80\nhost = "a"\n')
    git(git_repo, "add", "app.toml")
    git(git_repo, "commit", "-qm", "config")
    api.start(git_repo, "cfg")
    api.config_set(git_repo, "app.toml", "server.port", 8080)
    api.config_rename(git_repo, "app.toml", "server.host", "hostname")
    bindir = str(Path(sys.executable).parent)  # git-migrate of this environment, for the hook
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    pushed = subprocess.run(["git", "push", "origin", "migrate/cfg"], cwd=git_repo,
                            capture_output=True, text=True, env=env, check=False)  # fmt: skip
    assert pushed.returncode == 0, pushed.stderr
    assert "Traceback" not in pushed.stderr
    remote = git(tmp_path / "remote.git", "for-each-ref", "--format=%(refname)")
    assert "refs/heads/migrate/cfg" in remote
