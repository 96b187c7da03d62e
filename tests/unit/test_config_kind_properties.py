"""The config kind shows the three properties of gitmigrate.testing on both sorts of target:
a step written for an outside tree, and a step authored in the repository (whose commit is the
change), run on a scratch copy of the files before the change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.kinds.config.authoring import author_config_step
from gitmigrate.kinds.config.kind import ConfigKind
from gitmigrate.testing import ExecutorPropertyError, check_tree_kind_properties, tree_bytes
from tests.fixtures_git import git
from tests.unit.test_config_kind_support import FILES, config_step, write_tree

EDITS: list[tuple[str, dict[str, Any]]] = [
    ("app.yaml", {"op": "set", "key": "server.port", "value": 8080}),
    ("app.yaml", {"op": "set", "key": "server.timeout", "value": 30}),
    ("app.yaml", {"op": "unset", "key": "server.host"}),
    ("app.yaml", {"op": "rename", "key": "server.port", "new_key": "listen"}),
    ("app.yaml", {"op": "move", "key": "server.port", "new_key": "port"}),
    ("app.toml", {"op": "set", "key": "server.port", "value": 8080}),
    ("app.toml", {"op": "unset", "key": "server.host"}),
    ("app.toml", {"op": "rename", "key": "server.port", "new_key": "listen"}),
    ("app.json", {"op": "set", "key": "server.port", "value": 8080}),
    ("app.json", {"op": "unset", "key": "server.host"}),
    ("app.ini", {"op": "set", "key": "server.port", "value": "8080"}),
    (".env", {"op": "set", "key": "PORT", "value": "8080"}),
    (".env", {"op": "unset", "key": "HOST"}),
]


@pytest.mark.parametrize(("file", "edit"), EDITS, ids=lambda v: str(v))
def test_on_an_outside_tree(tmp_path: Path, file: str, edit: dict[str, Any]) -> None:
    tree = write_tree(tmp_path / "tree")
    step = config_step({**edit, "file": file, "target": "deployed"})
    before = tree_bytes(tree)
    check_tree_kind_properties(ConfigKind(), step, tree)
    assert tree_bytes(tree) == before
    assert sorted(p.name for p in tree.iterdir()) == sorted(FILES)  # no backup left behind


@pytest.mark.parametrize(("file", "edit"), EDITS, ids=lambda v: str(v))
def test_on_the_repository_sort(
    git_repo: Path, tmp_path: Path, file: str, edit: dict[str, Any]
) -> None:
    write_tree(git_repo)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "config files")
    repo = GitRepo(git_repo)
    start_migration(repo, "cfg")
    op, rest = edit["op"], {k: v for k, v in edit.items() if k != "op"}
    step = author_config_step(repo, op, {**rest, "file": file}, summary="a change")
    assert isinstance(step, Step) and step.commit
    changed = git(git_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert file in changed  # the step commit is the change
    scratch = write_tree(tmp_path / "scratch")  # the files before the change
    check_tree_kind_properties(ConfigKind(), step, scratch)


def test_the_harness_catches_a_step_whose_change_is_lost(tmp_path: Path) -> None:
    """verify is a real check: a tree where apply cannot leave the value fails property 2."""
    tree = write_tree(tmp_path / "tree")
    step = config_step({"op": "set", "file": "app.yaml", "key": "server.port", "value": 8080})
    kind = ConfigKind()
    from gitmigrate.engine.tree_steps import tree_context
    from gitmigrate.engine.tree_target import outside_target

    ctx = tree_context(outside_target("t", tree), dry_run=True)
    assert kind.verify(step, ctx)[0].message.endswith("not 8080")
    with pytest.raises(ExecutorPropertyError):
        check_tree_kind_properties(_Forgetful(), step, tree)


class _Forgetful(ConfigKind):
    """Applies nothing: the harness must say that verify is not clean."""

    def apply(self, step, ctx):  # type: ignore[no-untyped-def]
        from gitmigrate.engine.kinds import Checkpoint

        yield Checkpoint(1, 1, {})
