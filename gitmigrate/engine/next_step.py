"""The way out of every state: for each state `status` can show, the one command that leaves it
and why. `status` attaches it per step and for the whole target (`"next"` in `status --json`),
so no state is a dead end and a script can run what it names.

STATES is the list docs/troubleshooting.md must cover (a unit test fails when a state has no
entry there), so adding a state here without documenting its way out is caught.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# every state `status` can show but "applied", with what it means (docs/troubleshooting.md)
STATES: dict[str, str] = {
    "pending": "not applied to this target yet",
    "rolled_back": "applied once, then rolled back: pending again",
    "running": "a run is applying it now, or was stopped (kill, crash, Ctrl-C) part way",
    "interrupted rollback": "a rollback of a chunked step was stopped part way",
    "failed": "its last apply failed and was undone; later steps did not run",
    "needs_attention": "it failed and undoing it stopped part way; its message says why",
    "changed": "applied, but its files changed since (checksum mismatch)",
    "gone": "applied on the target, but the step is no longer in this tree",
    "skipped": "an irreversible step that `rollback --force` skipped: its effects stay",
    "abandoned": "an operator gave it up with `repair --abandon`; apply skips it",
    "unreachable": "a tree step whose tree this machine cannot open",
}

# states that need no command: the step is where the user left it
SETTLED = frozenset({"applied", "skipped", "abandoned"})


@dataclass(frozen=True)
class NextStep:
    """The command that leaves a state (None: nothing to run) and what to do before it."""

    command: str | None
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"command": self.command, "why": self.why}


@dataclass(frozen=True)
class Scope:
    """The options `status` was called with, repeated in every command it names, so the
    command acts on the same migration and target."""

    migration: str | None = None
    target: str | None = None

    def command(self, verb: str, *args: str) -> str:
        words = ["git", "migrate", verb, *args]
        if self.migration:
            words += ["--migration", self.migration]
        if self.target:
            # a URL may carry a password: name it by placeholder, never repeat it
            words += ["--target", "<URL>" if "://" in self.target else self.target]
        return " ".join(shlex.quote(w) if not w.startswith("<") else w for w in words)


def rolling_back(checkpoint: dict[str, Any] | None) -> bool:
    return (checkpoint or {}).get("direction") == "down"


def step_next(
    scope: Scope,
    step_id: str,
    state: str,
    *,
    checkpoint: dict[str, Any] | None = None,
    error: str | None = None,
    changed: Sequence[str] = (),
    commit: str | None = None,
    path: str | None = None,
    old_path: str | None = None,
) -> NextStep:
    """The way out of one step's state (`state` as the ledger says, `changed` when an applied
    step's files differ from what was applied)."""
    if state == "applied" and changed:
        if commit and path:
            return NextStep(
                f"git checkout {commit[:12]} -- {shlex.quote(path)}",
                f"{', '.join(changed)} changed since {step_id} was applied: restore the applied"
                f" version and commit it; put the new change in a new step (or roll the step"
                f" back with its applied files first, then edit it)",
            )
        return NextStep(
            None,
            f"{step_id} was replaced by another step with the same number after it was applied:"
            f" restore the applied step's directory (`git checkout {(commit or '')[:12]} --"
            f" {old_path or 'its directory'}`), give the new one the next free number"
            f" (`git mv`), commit, and apply; there is no single command for this",
        )
    if state in ("pending", "rolled_back"):
        return NextStep(scope.command("apply"), "apply the pending steps")
    if state == "running":
        if rolling_back(checkpoint):
            return NextStep(
                scope.command("rollback", "--steps", "1"),
                "a rollback of this step was stopped part way: roll it back to finish it",
            )
        return NextStep(
            scope.command("resume"),
            "stopped part way (or still running: `git migrate status --watch` follows a live"
            " run): resume continues from its last checkpoint",
        )
    if state == "needs_attention":
        if rolling_back(checkpoint):
            return NextStep(
                scope.command("rollback", "--steps", "1"),
                f"fix the cause ({error or 'see the step'}), then roll it back to restore the rest;"
                f" if it cannot be, `{scope.command('repair', step_id, '--abandon')}` records that",
            )
        return NextStep(
            scope.command("resume"),
            f"fix the cause ({error or 'see the step'}), then resume; or undo it with"
            f" `{scope.command('rollback', '--steps', '1')}`, or decide with"
            f" `{scope.command('repair', step_id, '--resolved|--rerun|--abandon')}`",
        )
    if state == "failed":
        return NextStep(
            scope.command("apply"),
            f"fix {step_id} (edit its files, or replace the step), then apply again; or roll back"
            f" the steps before it with `{scope.command('rollback', '--steps', '1')}`",
        )
    if state == "skipped":
        return NextStep(
            None,
            f"its effects stay; to apply it again: `{scope.command('repair', step_id, '--rerun')}`",
        )
    if state == "abandoned":
        return NextStep(
            None,
            f"recorded as given up; to run it again: `{scope.command('repair', step_id, '--rerun')}`",
        )
    if state == "unreachable":
        return NextStep(
            scope.command("status"),
            f"make its tree reachable on this machine ({error or 'see .gitmigrate.toml'}),"
            " then look again",
        )
    return NextStep(None, "")


def gone_next(scope: Scope, step_id: str, commit: str | None) -> NextStep:
    """A step applied on the target whose files this tree no longer has (a reset branch)."""
    if not commit:
        return NextStep(None, f"{step_id} is applied on the target but gone from this tree")
    return NextStep(
        f"git cherry-pick {commit[:12]}",
        f"{step_id} is applied on the target but gone from this tree: bring its commit back,"
        f" then `{scope.command('rollback')}` can undo it (or keep it)",
    )


# the order in which a target's states need a decision: the first one found names `next`
_PRIORITY = ("needs_attention", "running", "failed", "changed", "gone", "pending", "unreachable")


def target_next(states: Sequence[tuple[str, NextStep]]) -> NextStep | None:
    """The single command for the whole target: the most urgent step's (None when every
    step is applied, skipped or abandoned). `states` holds (state, its NextStep) in step order,
    with "changed" for an applied step whose files changed and "gone" for a vanished one."""
    for wanted in _PRIORITY:
        for state, step in states:
            if (state == "rolled_back" and wanted == "pending") or state == wanted:
                if step.command is not None or state == "changed":
                    # a replaced applied step has no single command: say so rather than
                    # name `apply`, which its checksum would refuse
                    return step
    return None
