"""Refusing unsafe runs: an applied step whose files changed (checksum mismatch, as Flyway's
validate), and a step left half-done by a crash on a dialect without transactional DDL."""

from __future__ import annotations

from gitmigrate.core.checksum import ALGORITHM, file_checksum, step_checksum
from gitmigrate.core.errors import BlockedError, ChecksumMismatchError
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.ledger import LedgerRow

APPLIED = "applied"
IN_FLIGHT = ("running", "needs_attention")


def changed_files(repo: GitRepo, step: Step, applied_commit: str) -> list[str]:
    """Files of `step` whose canonical content differs from what was applied at that commit."""
    if not applied_commit or repo.rev_parse(applied_commit) is None:
        return []
    then = {
        e.path.rsplit("/", 1)[1]: file_checksum(repo.read_blob(e.sha))
        for e in repo.ls_tree(applied_commit, step.path + "/")
    }
    now = step.file_checksums()
    return sorted(name for name in set(then) | set(now) if then.get(name) != now.get(name))


def check_checksum(repo: GitRepo, step: Step, row: LedgerRow) -> None:
    if row.checksum_algo != ALGORITHM:
        return  # another algorithm's digest cannot be compared; never a false mismatch
    if row.checksum == step.checksum or row.checksum == step_checksum(step.files):
        return
    files = changed_files(repo, step, row.commit)
    which = ", ".join(files) if files else "its files"
    diff_hint = (
        f"see `git diff {row.commit[:12]} HEAD -- {step.path}`; " if row.commit and files else ""
    )
    raise ChecksumMismatchError(
        step.id,
        files[0] if files else "",
        f"step {step.id} was applied, but {which} changed since (checksum mismatch)",
        diff_hint + "restore the applied version, or add a new step for the change",
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
