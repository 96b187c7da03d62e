"""The platform kind shows the three properties of gitmigrate.testing on a scratch tree, for a
compose-to-k8s step (apply writes the manifests from the step's copies) and a terraform step
(apply rewrites main.tf); verify re-validates what is there; check and describe read the
step's record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.tree_steps import tree_context
from gitmigrate.engine.tree_target import outside_target
from gitmigrate.errors import StepFailedError
from gitmigrate.kinds.platform.authoring import author_platform_step
from gitmigrate.kinds.platform.kind import PlatformKind
from gitmigrate.testing import ExecutorPropertyError, check_tree_kind_properties, tree_bytes
from tests.fixtures_git import git
from tests.unit.platform_kind_support import TERRAFORM, converters, write_projects

__all__ = ["converters"]


@pytest.fixture
def steps(git_repo: Path, converters: str) -> tuple[Step, Step]:
    write_projects(git_repo)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "the platform as it is")
    repo = GitRepo(git_repo)
    start_migration(repo, "to-k8s")
    compose = author_platform_step(repo, {"op": "compose-to-k8s", "inputs": ["docker-compose.yml"],
                                          "out": "k8s"}, summary="compose to k8s")  # fmt: skip
    terraform = author_platform_step(repo, {"op": "terraform", "path": "infra", "from": "aws",
                                            "to": "gcp"}, summary="aws to gcp")  # fmt: skip
    shown = git(git_repo, "show", "--name-only", "--format=", compose.commit or "").split()
    assert "k8s/web-deployment.yaml" in shown
    assert "infra/main.tf" in git(
        git_repo, "show", "--name-only", "--format=", terraform.commit or ""
    )
    return compose, terraform


def _scratch(tmp_path: Path) -> Path:
    tree = tmp_path / "scratch"
    (tree / "infra").mkdir(parents=True)
    (tree / "infra" / "main.tf").write_text(TERRAFORM)
    (tree / "README.md").write_text("kept\n")
    return tree


def _run(work: object) -> None:
    for _ in work:  # type: ignore[attr-defined]
        pass


@pytest.mark.parametrize("which", [0, 1], ids=["compose-to-k8s", "terraform"])
def test_the_three_properties_hold(steps: tuple[Step, Step], tmp_path: Path, which: int) -> None:
    tree = _scratch(tmp_path)
    before = tree_bytes(tree)
    check_tree_kind_properties(PlatformKind(), steps[which], tree)
    assert tree_bytes(tree) == before
    assert not (tree / ".gitmigrate-backups").exists()


def test_apply_writes_and_verify_revalidates(steps: tuple[Step, Step], tmp_path: Path) -> None:
    tree = _scratch(tmp_path)
    target = outside_target("t", tree)
    compose, terraform = steps
    _run(PlatformKind().apply(compose, tree_context(target, dry_run=False)))
    _run(PlatformKind().apply(terraform, tree_context(target, dry_run=False)))
    assert "kind: Deployment" in (tree / "k8s" / "web-deployment.yaml").read_text()
    assert '"aws_s3_bucket"' not in (tree / "infra" / "main.tf").read_text()
    for step in steps:
        assert PlatformKind().verify(step, tree_context(target, dry_run=True)) == []
    (tree / "k8s" / "web-deployment.yaml").write_text("kind: Deployment\nmetadata: {}\n")
    found = PlatformKind().verify(compose, tree_context(target, dry_run=True))
    assert found[0].message == "k8s/web-deployment.yaml does not hold the step's change"
    assert any(f.rule == "platform-k8s" and f.severity == "error" for f in found)
    main = tree / "infra" / "main.tf"
    main.write_text(main.read_text() + 'resource "google_storage_bucket" "broken" {\n')
    found = PlatformKind().verify(terraform, tree_context(target, dry_run=True))
    assert [f.rule for f in found][0] == "platform" and found[-1].rule == "platform-terraform"
    with pytest.raises(StepFailedError, match="changed since"):
        _run(PlatformKind().rollback(terraform, tree_context(target, dry_run=False)))


def test_the_harness_catches_a_kind_whose_rollback_forgets(steps: tuple[Step, Step], tmp_path: Path) -> None:  # fmt: skip
    with pytest.raises(ExecutorPropertyError, match="restore every file"):
        check_tree_kind_properties(_Forgetful(), steps[0], _scratch(tmp_path))


def test_check_reports_a_missing_copy(steps: tuple[Step, Step]) -> None:
    compose = steps[0]
    assert PlatformKind().check(compose) == []
    files = {n: b for n, b in compose.files.items() if not n.startswith("outputs/")}
    broken = Step(compose.migration, compose.seq, compose.slug, compose.kind, compose.summary,
                  files, compose.options, commit=compose.commit)  # fmt: skip
    problems = PlatformKind().check(broken)
    assert len(problems) == 1 and "no copy of k8s/web-deployment.yaml" in problems[0].message


def test_describe_says_what_was_generated_dropped_and_left(steps: tuple[Step, Step]) -> None:
    compose, terraform = steps
    words = PlatformKind().describe(compose, "tree", {})
    assert "to 2 Kubernetes object(s)" in words.what or "Kubernetes object(s)" in words.what
    rows = dict(words.details)
    assert rows["k8s/web-deployment.yaml"] == "generated (new)"
    assert any(k.startswith("DROPPED services.web.logging") for k in rows)
    assert any("docker-compose.yml:" in v for k, v in words.details if k.startswith("DROPPED"))
    words = PlatformKind().describe(terraform, "tree", {})
    assert "from aws to gcp" in words.what and "need a person" in words.what
    assert ("NEEDS A PERSON", "aws_iam_role.app: IAM is not mapped") in words.details or any(
        k == "NEEDS A PERSON" and "aws_iam_role.app" in v for k, v in words.details
    )
    assert words.risks[0].severity == "high"


class _Forgetful(PlatformKind):
    def rollback(self, step, ctx):  # type: ignore[no-untyped-def]
        yield from ()


def test_a_scratch_copy_is_untouched_by_a_dry_run(steps: tuple[Step, Step], tmp_path: Path) -> None:  # fmt: skip
    tree = _scratch(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy)
    _run(PlatformKind().apply(steps[1], tree_context(outside_target("t", tree), dry_run=True)))
    assert tree_bytes(tree) == tree_bytes(copy)
