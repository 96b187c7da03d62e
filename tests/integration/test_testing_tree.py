"""gitmigrate.testing for tree kinds: the textedit plug-in shows the three properties, and
kinds broken on purpose (a rollback that loses a byte, a dry run that writes) are caught."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.testing import ExecutorPropertyError, check_tree_kind_properties, tree_bytes
from tests.plugins.textedit_kind import TextEditKind

CONF = b"timeout = 10\r\nname = shop\n"


def step(old: str = "timeout = 10", new: str = "timeout = 30") -> Step:
    return Step(
        migration="settings",
        seq=1,
        slug="raise-timeout",
        kind="textedit",
        summary="raise the timeout",
        files={"step.toml": b'kind = "textedit"\n'},
        options={"file": "conf/app.conf", "old": old, "new": new},
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "app.conf").write_bytes(CONF)
    (root / "README").write_bytes(b"untouched\n")
    return root


def test_the_textedit_plugin_has_the_three_properties(tree: Path) -> None:
    check_tree_kind_properties(TextEditKind(), step(), tree)
    assert (tree / "conf" / "app.conf").read_bytes() == CONF  # CRLF kept through both edits


class LossyRollback(TextEditKind):
    """Rolls back by rewriting the file with "\\n" line ends: one byte lost per CRLF."""

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        yield from super().rollback(step, ctx)
        path = tree_root(ctx) / "conf" / "app.conf"
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))


class WritingDryRun(TextEditKind):
    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        (tree_root(ctx) / "dry-run-was-here").write_text("oops")
        yield from super().apply(step, ctx)


class UnverifiedApply(TextEditKind):
    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        yield Checkpoint(1, 1)  # claims the work, does none


def tree_root(ctx: StepContext) -> Path:
    return Path(getattr(ctx.target, "root"))  # noqa: B009 - the target is a TreeTarget here


@pytest.mark.parametrize(
    ("kind", "complaint"),
    [
        (LossyRollback(), "apply then rollback must restore every file: conf/app.conf differs"),
        (WritingDryRun(), "a dry run must change nothing: dry-run-was-here appeared"),
        (UnverifiedApply(), "apply then verify must be clean: conf/app.conf has no line"),
    ],
)
def test_a_broken_tree_kind_is_caught(tree: Path, kind: TextEditKind, complaint: str) -> None:
    with pytest.raises(ExecutorPropertyError, match=complaint):
        check_tree_kind_properties(kind, step(), tree)


def test_tree_bytes_leaves_out_git_migrates_own_files(tree: Path) -> None:
    (tree / ".gitmigrate-ledger.json").write_text("{}")
    (tree / ".gitmigrate-lock").write_text("{}")
    assert sorted(tree_bytes(tree)) == ["README", "conf/app.conf"]
