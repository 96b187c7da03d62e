"""Refusing unsafe runs: an applied step whose files changed (checksum mismatch, as Flyway's
validate), a step left half-done by a crash on a dialect without transactional DDL, and a step
its kind says cannot run on the target (a SQL step written for another dialect)."""

from __future__ import annotations

import difflib

from gitmigrate.core.checksum import ALGORITHM, canonical, file_checksum, step_checksum
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.registry import get_kind
from gitmigrate.errors import BlockedError, ChecksumMismatchError

APPLIED = "applied"
IN_FLIGHT = ("running", "needs_attention")
# rows whose step left effects on the target (or is half-done): they speak for the step id
# whatever its files are now, and a change of files is a checksum mismatch; a row of any other
# status (failed, rolled back, abandoned) is history once the step's files changed
PROTECTED = (APPLIED, "skipped", *IN_FLIGHT)


_DIFF_LINES = 60  # an error message, not a review: the hint names the full `git diff`


def _applied_files(repo: GitRepo, step: Step, applied_commit: str) -> dict[str, bytes] | None:
    """The step's files as they were at the applied commit; None when it is not here."""
    if not applied_commit or repo.rev_parse(applied_commit) is None:
        return None
    return {
        e.path.rsplit("/", 1)[1]: repo.read_blob(e.sha)
        for e in repo.ls_tree(applied_commit, step.path + "/")
    }


def changed_files(repo: GitRepo, step: Step, applied_commit: str) -> list[str]:
    """Files of `step` whose canonical content differs from what was applied at that commit."""
    then = _applied_files(repo, step, applied_commit)
    if then is None:
        return []
    now = step.file_checksums()
    was = {name: file_checksum(body) for name, body in then.items()}
    return sorted(name for name in set(was) | set(now) if was.get(name) != now.get(name))


def applied_diff(repo: GitRepo, step: Step, applied_commit: str) -> str:
    """A unified diff, applied version -> current, of the canonical text of every changed file
    (so a CRLF or BOM difference never shows, and a joined line always does)."""
    then = _applied_files(repo, step, applied_commit)
    if then is None:
        return ""
    lines: list[str] = []
    for name in changed_files(repo, step, applied_commit):
        before = _text(then.get(name))
        after = _text(step.files.get(name))
        lines += difflib.unified_diff(
            before,
            after,
            fromfile=f"applied ({applied_commit[:12]}) {step.path}/{name}",
            tofile=f"now {step.path}/{name}",
            lineterm="",
        )
    if len(lines) > _DIFF_LINES:
        lines = [*lines[:_DIFF_LINES], f"... ({len(lines) - _DIFF_LINES} more diff lines)"]
    return "\n".join(lines)


def _text(content: bytes | None) -> list[str]:
    if content is None:
        return []
    return canonical(content).decode("utf-8", errors="replace").split("\n")


def same_files(step: Step, row: LedgerRow) -> bool:
    """The row was written for the step's current files (a digest of another algorithm
    cannot be compared, so it counts as the same: never a false mismatch)."""
    if row.checksum_algo != ALGORITHM:
        return True
    return row.checksum == step.checksum or row.checksum == step_checksum(step.files)


def current_row(step: Step, row: LedgerRow | None) -> LedgerRow | None:
    """The ledger row that speaks for `step` as it is now. A failed (rolled back, abandoned)
    step replaced by another with the same id (`git reset`, a fixed step) is a new step: its old
    row is history, so this returns None and the step is pending; see `previous_row`."""
    if row is None or row.status in PROTECTED or same_files(step, row):
        return row
    return None


def previous_row(step: Step, row: LedgerRow | None) -> LedgerRow | None:
    """The history row of a replaced step (None when the row is current or absent)."""
    return row if row is not None and current_row(step, row) is None else None


def check_checksum(repo: GitRepo, step: Step, row: LedgerRow) -> None:
    if same_files(step, row):
        return
    files = changed_files(repo, step, row.commit)
    which = ", ".join(files) if files else "its files"
    diff = applied_diff(repo, step, row.commit) if files else ""
    where = (
        f"see `git diff {row.commit[:12]} HEAD -- {step.path}`; "
        if files
        else f"the applied commit {row.commit[:12] or '(unknown)'} is not in this repository,"
        " so the applied version cannot be shown; "
    )
    raise ChecksumMismatchError(
        step.id,
        files[0] if files else "",
        f"step {step.id} was applied, but {which} changed since (checksum mismatch)"
        + (f"\n{diff}" if diff else ""),
        where + "restore the applied version, or add a new step for the change",
    )


def check_not_in_flight(step: Step, row: LedgerRow, *, resuming: bool) -> None:
    if row.status == "running" and not resuming:
        raise BlockedError(
            f"step {step.id} was interrupted after {row.statements_done} statement(s) "
            f"on a target without transactional DDL",
            "run `git migrate resume` to continue it from there",
        )
    if row.status == "needs_attention" and not resuming:
        raise BlockedError(
            f"step {step.id} needs attention: {row.error}",
            "fix the cause named above, then run `git migrate resume`",
        )


def check_target(step: Step, dialect: str) -> None:
    """Refuse, before anything runs, a step whose kind says it cannot run on a target of
    `dialect` (tree steps get engine/tree_steps.TREE_DIALECT)."""
    problems = get_kind(step.kind).check_target(step, dialect)
    if problems:
        raise BlockedError("; ".join(p.message for p in problems), problems[0].hint)
