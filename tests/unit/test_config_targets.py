"""Tree targets in `.gitmigrate.toml`: `path` beside `url`, how `open_target` resolves each sort,
and one-line errors naming the problem and the fix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitmigrate.core.config import CONFIG_FILE, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.engine.target import DatabaseTarget, open_target, open_tree_target
from gitmigrate.engine.tree_target import TREE_LEDGER, TreeTarget
from gitmigrate.errors import ConfigError, TargetError


def _configure(repo_path: Path, targets: str) -> GitRepo:
    (repo_path / CONFIG_FILE).write_text(
        '[migrate]\ndefault_target = "dev"\n\n[targets.dev]\nurl = "sqlite:///dev.db"\n' + targets
    )
    return GitRepo(repo_path)


def test_open_target_returns_the_sort_the_config_names(git_repo: Path, tmp_path: Path) -> None:
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    repo = _configure(
        git_repo,
        f'[targets.deployed]\npath = "{deployed}"\n[targets.self]\npath = "."\n'
        '[targets.rel]\npath = "conf"\n',
    )
    (git_repo / "conf").mkdir()
    config = load_config(repo)
    database = open_target(config, "dev", repo, "create")
    assert isinstance(database, DatabaseTarget) and database.sort == "database"
    database.close()
    tree = open_target(config, "deployed", repo)
    assert isinstance(tree, TreeTarget) and tree.sort == "tree" and not tree.repository
    assert tree.root == deployed.resolve() and tree.ledger_path == deployed.resolve() / TREE_LEDGER
    own = open_tree_target(config, repo, None)
    assert own.repository and own.root == repo.root
    assert own.ledger_path.parent.parent == git_repo / ".git"  # never in the work tree
    assert open_tree_target(config, repo, "self").repository
    assert open_tree_target(config, repo, "rel").root == (git_repo / "conf").resolve()
    with pytest.raises(ConfigError, match="is a database"):
        open_tree_target(config, repo, "dev")
    with pytest.raises(ConfigError, match="is a tree"):
        config.target("deployed").resolve_url()


@pytest.mark.parametrize(
    ("table", "complaint", "fix"),
    [
        ('[targets.x]\nurl = "sqlite:///a.db"\npath = "."\n', "both url and path", "keep one"),
        ("[targets.x]\nhost = 1\n", "has no url", 'path = "..."'),
        ('[targets.x]\npath = ""\n', "non-empty string", 'path = "."'),
        ('[targets.x]\npath = "postgresql://h/db"\n', "looks like a URL", "url ="),
        ("[targets.x]\nurl = 3\n", "url must be a string", "url ="),
    ],
)
def test_bad_target_config_is_one_line_naming_the_fix(
    git_repo: Path, table: str, complaint: str, fix: str
) -> None:
    repo = _configure(git_repo, table)
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert complaint in caught.value.message and fix in str(caught.value.hint)
    assert "\n" not in str(caught.value)


def test_a_missing_outside_tree_is_a_target_error(git_repo: Path, tmp_path: Path) -> None:
    repo = _configure(git_repo, f'[targets.gone]\npath = "{tmp_path / "nope"}"\n')
    with pytest.raises(TargetError, match="not a directory"):
        open_tree_target(load_config(repo), repo, "gone")


def test_a_tree_path_may_come_from_git_config(git_repo: Path, tmp_path: Path) -> None:
    repo = _configure(git_repo, "")
    repo.config_set("migrate.target.box.path", str(tmp_path))
    assert load_config(repo).target("box").sort == "tree"
    assert os.fspath(open_tree_target(load_config(repo), repo, "box").root) == str(tmp_path)


def test_a_tree_may_be_the_default_target(git_repo: Path) -> None:
    (git_repo / CONFIG_FILE).write_text(
        '[migrate]\ndefault_target = "self"\n\n[targets.self]\npath = "."\n'
    )
    repo = GitRepo(git_repo)
    target = open_target(load_config(repo), None, repo)
    assert isinstance(target, TreeTarget) and target.repository and target.name == "self"
