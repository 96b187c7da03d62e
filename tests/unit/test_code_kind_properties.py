"""The code kind shows the three properties of gitmigrate.testing: a step authored in the
repository (its commit is the change), run on a scratch copy of the files before the change,
where apply runs the step's recipe and rollback restores every byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.tree_steps import tree_context
from gitmigrate.engine.tree_target import outside_target
from gitmigrate.kinds.code.authoring import author_code_step
from gitmigrate.kinds.code.kind import CodeKind
from gitmigrate.testing import ExecutorPropertyError, check_tree_kind_properties, tree_bytes
from tests.fixtures_git import git
from tests.unit.test_code_kind_support import MODELS, TESTS, commit_all, recipe_file

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "tests/test_models.py": TESTS}


def _scratch(tmp_path: Path) -> Path:
    tree = tmp_path / "scratch"
    for name, body in FILES.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(body)
    return tree


@pytest.fixture
def step(git_repo: Path, tmp_path: Path) -> Step:
    recipe_file(git_repo / "tools" / "testkit.py")
    commit_all(git_repo, FILES)
    repo = GitRepo(git_repo)
    start_migration(repo, "code")
    made = author_code_step(repo, "tools/testkit.py", summary="model_dump", paths=["app"])
    assert isinstance(made, Step) and made.commit
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split()[0] == "app/models.py"
    return made


def test_on_a_scratch_tree(step: Step, tmp_path: Path) -> None:
    tree = _scratch(tmp_path)
    before = tree_bytes(tree)
    check_tree_kind_properties(CodeKind(), step, tree)
    assert tree_bytes(tree) == before
    assert not (tree / ".gitmigrate-backups").exists()


def test_verify_finds_a_changed_file_that_no_longer_parses(step: Step, tmp_path: Path) -> None:
    tree = _scratch(tmp_path)
    ctx = tree_context(outside_target("t", tree), dry_run=True)
    assert CodeKind().verify(step, ctx) == []
    (tree / "app" / "models.py").write_text("def broken(:\n")
    found = CodeKind().verify(step, ctx)
    assert [f.severity for f in found] == ["error"]
    assert found[0].message.startswith("does not parse: app/models.py:1:")


def test_the_harness_catches_a_kind_whose_rollback_forgets(step: Step, tmp_path: Path) -> None:
    with pytest.raises(ExecutorPropertyError, match="restore every file"):
        check_tree_kind_properties(_Forgetful(), step, _scratch(tmp_path))


def test_rollback_refuses_to_overwrite_a_later_edit(step: Step, tmp_path: Path) -> None:
    from gitmigrate.errors import StepFailedError

    tree = _scratch(tmp_path)
    kind = CodeKind()
    for _ in kind.apply(step, tree_context(outside_target("t", tree), dry_run=False)):
        pass
    assert "m.model_dump()" in (tree / "app" / "models.py").read_text()
    (tree / "app" / "models.py").write_text("edited later\n")
    with pytest.raises(StepFailedError, match="changed since"):
        for _ in kind.rollback(step, tree_context(outside_target("t", tree), dry_run=False)):
            pass
    shutil.rmtree(tree)


class _Forgetful(CodeKind):
    def rollback(self, step, ctx):  # type: ignore[no-untyped-def]
        yield from ()
