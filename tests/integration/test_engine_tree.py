"""The engine on an outside tree target: checkpoints with interrupt and resume, a failed step
undone by its kind, the lock file between two runs, and the ledger file's upgrade event."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.model import Step
from gitmigrate.engine.apply import ApplyOptions, apply, resume
from gitmigrate.engine.description import Description, tree_description
from gitmigrate.engine.kinds import Checkpoint, Finding, Impact, Problem, StepContext, Work
from gitmigrate.engine.registry import BUILTIN
from gitmigrate.engine.rollback import RollbackOptions, rollback
from gitmigrate.engine.status import target_status
from gitmigrate.engine.verify import verify
from gitmigrate.errors import (
    BlockedError,
    InterruptedRunError,
    LockTimeoutError,
    StepFailedError,
    TargetError,
)
from tests.engine_helpers import Project
from tests.fixtures_git import git

FILES = ("a.txt", "b.txt", "c.txt")


class Stamp:
    """A tree kind with one checkpoint per file: appends a line to each file of the tree;
    `interrupt_after` sends SIGINT to this process after that many files."""

    kind = name = "stamp"
    target_sort = "tree"
    chunked = False
    compensator = None
    push_checker = None
    interrupt_after: int | None = None
    seen_starts: list[int] = []

    def check(self, step: Step) -> list[Problem]:
        return []

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []

    def note(self, step: Step, dialect: str | None, table_rows: object = None) -> dict[str, Any]:
        return {"impact": {"objects": list(FILES)}}

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work(("STAMP",), rows)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        return tree_description(step)

    def analyze(self, step: Step, dialect: str) -> Impact:
        return Impact(objects=FILES)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        return Impact(objects=FILES)

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        Stamp.seen_starts.append(ctx.start_position)
        root = Path(getattr(ctx.target, "root"))  # noqa: B009
        for index, name in enumerate(FILES[ctx.start_position :], ctx.start_position + 1):
            ctx.log(f"stamp {name}")
            if not ctx.dry_run:
                path = root / name
                if not path.read_text().endswith("stamped\n"):
                    path.write_text(path.read_text() + "stamped\n")
            if Stamp.interrupt_after == index:  # arrives while this file's work is done
                os.kill(os.getpid(), signal.SIGINT)
            yield Checkpoint(index, len(FILES), {"last": name})

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        root = Path(getattr(ctx.target, "root"))  # noqa: B009
        for index, name in enumerate(FILES, 1):
            if index == 2 and step.options.get("fail_rollback"):
                raise OSError("disk full")
            path = root / name
            path.write_text(path.read_text().removesuffix("stamped\n"))
            yield Checkpoint(index, len(FILES))

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        root = Path(getattr(ctx.target, "root"))  # noqa: B009
        if step.options.get("fail_verify"):
            return [Finding("error", "stamp", "told to fail")]
        return [
            Finding("error", "stamp", f"{n} not stamped")
            for n in FILES
            if not (root / n).read_text().endswith("stamped\n")
        ]


@pytest.fixture
def project(git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setitem(BUILTIN, "stamp", f"{__name__}:Stamp")
    monkeypatch.setattr(Stamp, "interrupt_after", None)
    monkeypatch.setattr(Stamp, "seen_starts", [])
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    for name in FILES:
        (deployed / name).write_text(f"{name}\n")
    config = git_repo / ".gitmigrate.toml"
    config.write_text(config.read_text() + f'\n[targets.deployed]\npath = "{deployed}"\n')
    git(git_repo, "commit", "-q", "-am", "the deployed tree")
    project = Project(git_repo, "", "sqlite")
    start_migration(project.repo, "stamps")
    return project


def add_stamp(
    project: Project, *, fail_verify: bool = False, fail_rollback: bool = False, tree: str = ""
) -> None:
    step_dir = project.path / "migrations/stamps/001-stamp"
    step_dir.mkdir(parents=True)
    extra = "fail_verify = true\n" if fail_verify else ""
    extra += "fail_rollback = true\n" if fail_rollback else ""
    extra += f'target = "{tree}"\n' if tree else ""
    (step_dir / "step.toml").write_text(f'kind = "stamp"\nsummary = "stamp"\n[options]\n{extra}')
    project.git("add", "-A")
    project.git(
        "commit", "-q", "-m", "stamp: stamp\n\nMigrate-Step: stamps/001\nMigrate-Kind: stamp"
    )


def deployed(project: Project) -> Path:
    return project.path.parent / "deployed"


def contents(project: Project) -> list[str]:
    return [(deployed(project) / n).read_text() for n in FILES]


def test_an_interrupted_tree_step_resumes_from_its_checkpoint(project: Project) -> None:
    add_stamp(project)
    Stamp.interrupt_after = 1
    with pytest.raises(InterruptedRunError, match="resume with: git migrate resume --target"):
        apply(project.repo, ApplyOptions(target="deployed"))
    assert contents(project) == ["a.txt\nstamped\n", "b.txt\n", "c.txt\n"]
    state = target_status(project.repo, "deployed").steps[0]
    assert (state.state, state.statements_done) == ("running", 1)
    assert state.checkpoint is not None and state.checkpoint["last"] == "a.txt"
    with pytest.raises(BlockedError, match="git migrate resume"):
        apply(project.repo, ApplyOptions(target="deployed"))  # apply refuses an in-flight step
    Stamp.interrupt_after = None
    resume(project.repo, ApplyOptions(target="deployed"))
    assert Stamp.seen_starts == [0, 1]
    assert contents(project) == [f"{n}\nstamped\n" for n in FILES]
    assert target_status(project.repo, "deployed").steps[0].state == "applied"


def test_a_failed_tree_step_is_undone_by_its_kind_and_recorded(project: Project) -> None:
    add_stamp(project, fail_verify=True)
    with pytest.raises(StepFailedError, match="told to fail"):
        apply(project.repo, ApplyOptions(target="deployed"))
    assert contents(project) == [f"{n}\n" for n in FILES]
    state = target_status(project.repo, "deployed").steps[0]
    assert state.state == "failed" and "told to fail" in (state.error or "")
    events = [json.loads(x) for x in project.notes_text().splitlines() if x.strip()]
    failed = [e for e in events if e["event"] == "step_failed"]
    assert [(e["target"], e["undo"]) for e in failed] == [("deployed", "complete")]


def test_a_second_run_waits_for_the_trees_lock(project: Project) -> None:
    add_stamp(project)
    hold = (
        "import sys, time\nfrom pathlib import Path\nfrom gitmigrate.engine.lockfile import"
        " LockFile\nwith LockFile(Path(sys.argv[1])).hold(5):\n    print('held', flush=True)\n"
        "    time.sleep(30)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(deployed(project) / ".gitmigrate-lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeoutError, match=f"pid {holder.pid}"):
            apply(project.repo, ApplyOptions(target="deployed", lock_timeout=0.3))
    finally:
        holder.kill()
        holder.wait()
    assert contents(project) == [f"{n}\n" for n in FILES]
    apply(project.repo, ApplyOptions(target="deployed", lock_timeout=1))  # the stale record
    assert target_status(project.repo, "deployed").steps[0].state == "applied"


def test_apply_upgrades_an_old_ledger_file_with_an_event(project: Project) -> None:
    add_stamp(project)
    ledger = deployed(project) / ".gitmigrate-ledger.json"
    ledger.write_text(json.dumps({"format": "gitmigrate-ledger", "version": 1, "rows": []}))
    apply(project.repo, ApplyOptions(target="deployed"))
    assert json.loads(ledger.read_text())["version"] == 2
    events = [json.loads(x) for x in project.notes_text().splitlines() if x.strip()]
    upgraded = [e for e in events if e["event"] == "ledger_upgraded"]
    assert [(e["target"], e["from_version"], e["to_version"]) for e in upgraded] == [
        ("deployed", 1, 2)
    ]
    rollback(project.repo, RollbackOptions(target="deployed", all=True))
    assert contents(project) == [f"{n}\n" for n in FILES]
    assert target_status(project.repo, "deployed").steps[0].state == "rolled_back"


def test_a_rollback_that_stops_part_way_needs_attention(project: Project) -> None:
    add_stamp(project, fail_rollback=True)
    apply(project.repo, ApplyOptions(target="deployed"))
    with pytest.raises(StepFailedError, match="disk full"):
        rollback(project.repo, RollbackOptions(target="deployed", all=True))
    assert contents(project) == ["a.txt\n", "b.txt\nstamped\n", "c.txt\nstamped\n"]
    state = target_status(project.repo, "deployed").steps[0]
    assert state.state == "needs_attention"
    assert "disk full" in (state.error or "") and "part way" in (state.error or "")


def test_a_tree_this_machine_cannot_reach_does_not_break_status(project: Project) -> None:
    add_stamp(project, tree="deployed")  # the step names its tree
    apply(project.repo, ApplyOptions(target="dev"))  # the database target's run
    assert target_status(project.repo, "dev").steps[0].state == "applied"
    deployed(project).rename(deployed(project).with_name("elsewhere"))  # on the deploy host
    state = target_status(project.repo, "dev").steps[0]  # the database target's view
    assert state.state == "unreachable" and "not a directory" in (state.error or "")
    checked = verify(project.repo, "dev")
    assert checked.ok and [f.rule for _, f in checked.findings] == ["unreachable"]
    with pytest.raises(TargetError, match="not a directory"):
        target_status(project.repo, "deployed")  # named itself, it must be there
