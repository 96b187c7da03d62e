"""`git migrate push` / `fetch`: carry branches and notes between clones without losing any.

Remote notes land in `refs/notes/remotes/<remote>/migrate*` and are merged into the local refs:
run events with `cat_sort_uniq` (JSON Lines, so the merge is a union of both clones' events),
step notes with `ours` (they hold only facts derivable from their commits). Push merges first,
so the remote's notes refs only ever fast-forward.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitCommandError, GitRepo
from gitmigrate.core.notes import RUN_NOTES_REF, STEP_NOTES_REF, notes_lock
from gitmigrate.errors import UsageError

_MERGE_STRATEGY = {RUN_NOTES_REF: "cat_sort_uniq", STEP_NOTES_REF: "ours"}


@dataclass(frozen=True)
class SyncResult:
    remote: str
    pushed: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()


def remote_notes_ref(remote: str, local_ref: str) -> str:
    return f"refs/notes/remotes/{remote}/{local_ref.rsplit('/', 1)[1]}"


def _check_remote(repo: GitRepo, remote: str | None) -> str:
    remotes = repo.remotes()
    chosen = remote or (
        "origin" if "origin" in remotes else (remotes[0] if len(remotes) == 1 else None)
    )
    if chosen is None or chosen not in remotes:
        raise UsageError(
            f"unknown remote {remote or '(none given)'!r}",
            f"known remotes: {', '.join(remotes) or 'none'}; add one with `git remote add NAME URL`",
        )
    return chosen


def fetch_notes(repo: GitRepo, remote: str, *, branches: bool) -> None:
    specs = [f"+refs/notes/migrate*:refs/notes/remotes/{remote}/migrate*"]
    if branches:
        specs.insert(0, f"+refs/heads/*:refs/remotes/{remote}/*")
    repo.run("fetch", "--quiet", remote, *specs)


def merge_remote_notes(repo: GitRepo, remote: str) -> list[str]:
    merged = []
    with notes_lock(repo):
        for local_ref, strategy in _MERGE_STRATEGY.items():
            theirs = remote_notes_ref(remote, local_ref)
            their_tip = repo.ref_value(theirs)
            if their_tip is None:
                continue
            our_tip = repo.ref_value(local_ref)
            if our_tip is None:
                repo.update_ref(local_ref, their_tip, None)
            elif our_tip != their_tip:
                try:
                    repo.run(
                        "notes", f"--ref={local_ref}", "merge", "--quiet", "-s", strategy, theirs
                    )
                except GitCommandError as exc:
                    raise GitCommandError(
                        f"merging {theirs} into {local_ref} failed: {exc.message}",
                        "run `git notes --ref=" + local_ref + " merge --abort` and try again",
                    ) from exc
            else:
                continue
            merged.append(local_ref)
    return merged


def fetch(repo: GitRepo, remote: str | None = None) -> SyncResult:
    chosen = _check_remote(repo, remote)
    fetch_notes(repo, chosen, branches=True)
    return SyncResult(remote=chosen, merged=tuple(merge_remote_notes(repo, chosen)))


def push(repo: GitRepo, remote: str | None = None, name: str | None = None) -> SyncResult:
    """Push migration branch(es) and notes atomically, after merging the remote's notes in."""
    config = load_config(repo)
    chosen = _check_remote(repo, remote)
    fetch_notes(repo, chosen, branches=False)
    merged = merge_remote_notes(repo, chosen)
    if name is None:
        current = repo.current_branch() or ""
        if current.startswith(config.branch_prefix):
            branches = [current]
        else:
            listing = repo.run(
                "for-each-ref", "--format=%(refname:short)", f"refs/heads/{config.branch_prefix}"
            )
            branches = listing.split()
    else:
        branch = f"{config.branch_prefix}{name}"
        if not repo.branch_exists(branch):
            raise UsageError(
                f"no migration branch {branch}", "`git migrate list` shows the migrations"
            )
        branches = [branch]
    refspecs = [f"refs/heads/{b}:refs/heads/{b}" for b in branches]
    refspecs += [f"{ref}:{ref}" for ref in (STEP_NOTES_REF, RUN_NOTES_REF) if repo.ref_value(ref)]
    if not refspecs:
        raise UsageError(
            "nothing to push: no migration branch and no notes", "start a migration first"
        )
    repo.run("push", "--atomic", "--quiet", chosen, *refspecs, env={"GITMIGRATE_NESTED_PUSH": "1"})
    return SyncResult(remote=chosen, pushed=tuple(branches), merged=tuple(merged))
