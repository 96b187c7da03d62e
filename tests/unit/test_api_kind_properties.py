"""The api kind shows the three properties of gitmigrate.testing on a scratch tree, for a guide
step (apply writes the guide from the step's copy) and a deprecate step (apply marks the tree's
own spec); verify finds a file that lost the step's change; rollback refuses a later edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.tree_steps import tree_context
from gitmigrate.engine.tree_target import outside_target
from gitmigrate.errors import StepFailedError
from gitmigrate.kinds.api.authoring import author_api_step
from gitmigrate.kinds.api.kind import ApiKind
from gitmigrate.testing import ExecutorPropertyError, check_tree_kind_properties, tree_bytes
from tests.fixtures_git import git
from tests.unit.test_api_kind_support import TODAY, V2, needs_checks, v1_then_v2

GUIDE = "docs/api/guide.md"


@pytest.fixture
def steps(git_repo: Path) -> tuple[Step, Step, Step]:
    first = v1_then_v2(git_repo)
    repo = GitRepo(git_repo)
    start_migration(repo, "pets-v2")
    guide = author_api_step(repo, {"command": "guide", "base": f"{first}:openapi.yaml",
                                   "revision": "openapi.yaml", "out": GUIDE, "today": TODAY},
                            summary="v2 guide")  # fmt: skip
    deprecate = author_api_step(repo, {"command": "deprecate", "spec": "openapi.yaml",
                                       "operation": "getPet", "sunset": "2027-06-30"},
                                summary="deprecate getPet")  # fmt: skip
    adapter = author_api_step(repo, {"command": "adapter", "base": f"{first}:openapi.yaml",
                                     "revision": "openapi.yaml", "out": "app/v1_adapter",
                                     "today": TODAY}, summary="v1 adapter")  # fmt: skip
    assert isinstance(guide, Step) and isinstance(deprecate, Step) and isinstance(adapter, Step)
    shown = git(git_repo, "show", "--name-only", "--format=", guide.commit or "").split()
    assert GUIDE in shown
    return guide, deprecate, adapter


def _scratch(tmp_path: Path) -> Path:
    tree = tmp_path / "scratch"
    (tree / "docs").mkdir(parents=True)
    (tree / "openapi.yaml").write_bytes(V2.read_bytes())
    (tree / "docs" / "other.md").write_text("kept\n")
    return tree


def _run(work: object) -> None:
    for _ in work:  # type: ignore[attr-defined]
        pass


@pytest.mark.parametrize("which", [0, 1, 2], ids=["guide", "deprecate", "adapter"])
def test_the_three_properties_hold(
    steps: tuple[Step, Step, Step], tmp_path: Path, which: int
) -> None:
    tree = _scratch(tmp_path)
    before = tree_bytes(tree)
    check_tree_kind_properties(ApiKind(), steps[which], tree)
    assert tree_bytes(tree) == before
    assert not (tree / ".gitmigrate-backups").exists()


@needs_checks
def test_apply_writes_the_step_files_into_an_outside_tree(steps: tuple[Step, Step, Step], tmp_path: Path) -> None:  # fmt: skip
    tree = _scratch(tmp_path)
    target = outside_target("t", tree)
    guide, deprecate, _ = steps
    _run(ApiKind().apply(guide, tree_context(target, dry_run=False)))
    assert "## `POST /pets`" in (tree / GUIDE).read_text()
    _run(ApiKind().apply(deprecate, tree_context(target, dry_run=False)))
    assert "x-sunset: '2027-06-30'" in (tree / "openapi.yaml").read_text()
    assert ApiKind().verify(deprecate, tree_context(target, dry_run=True)) == []
    (tree / "openapi.yaml").write_text(V2.read_text().replace("Pets", "Pets (edited)"))
    found = ApiKind().verify(deprecate, tree_context(target, dry_run=True))
    assert [(f.severity, f.message) for f in found] == [
        ("error", "openapi.yaml does not hold the step's change")
    ]
    with pytest.raises(StepFailedError, match="changed since"):
        _run(ApiKind().rollback(deprecate, tree_context(target, dry_run=False)))


def test_the_harness_catches_a_kind_whose_rollback_forgets(steps: tuple[Step, Step, Step], tmp_path: Path) -> None:  # fmt: skip
    with pytest.raises(ExecutorPropertyError, match="restore every file"):
        check_tree_kind_properties(_Forgetful(), steps[0], _scratch(tmp_path))


def test_check_reports_a_missing_copy(steps: tuple[Step, Step, Step]) -> None:
    guide = steps[0]
    assert ApiKind().check(guide) == []
    files = {n: b for n, b in guide.files.items() if not n.startswith("outputs/")}
    broken = Step(guide.migration, guide.seq, guide.slug, guide.kind, guide.summary, files,
                  guide.options, commit=guide.commit)  # fmt: skip
    problems = ApiKind().check(broken)
    assert len(problems) == 1 and "no copy of docs/api/guide.md" in problems[0].message


class _Forgetful(ApiKind):
    def rollback(self, step, ctx):  # type: ignore[no-untyped-def]
        yield from ()
