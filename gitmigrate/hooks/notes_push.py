"""Carry the notes with a plain `git push` of a migration branch.

Compares `git ls-remote <remote> refs/notes/migrate*` with the local notes refs. Where the
remote lacks ours, they are pushed in a nested `git push --no-verify` (so this hook does not
run again). If the remote's notes moved on meanwhile (another clone pushed run events), they
are first fetched and merged exactly as `git migrate push` does (`core.sync`), so the remote's
notes refs only ever fast-forward and nobody's notes are lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.core.gitstore import GitCommandError, GitRepo
from gitmigrate.core.notes import NOTES_REFS

NESTED_ENV = "GITMIGRATE_NESTED_PUSH"


@dataclass(frozen=True)
class NotesSync:
    pushed: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    warning: str | None = None


def _remote_tips(repo: GitRepo, remote: str) -> dict[str, str]:
    out = repo.run("ls-remote", "--quiet", remote, *NOTES_REFS)
    tips = {}
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        tips[ref.strip()] = sha.strip()
    return tips


def _behind(repo: GitRepo, remote_tip: str | None, local_tip: str) -> bool:
    """True when the remote's notes ref is absent or an ancestor of ours (a fast-forward)."""
    return remote_tip is None or repo.ok("merge-base", "--is-ancestor", remote_tip, local_tip)


def sync_notes(repo: GitRepo, remote: str, skip: frozenset[str] = frozenset()) -> NotesSync:
    """Push the notes refs the remote lacks; merge the remote's first when they diverged.
    `skip`: refs the outer push updates itself (`git push --all`, an explicit notes refspec):
    pushing them here too would make the outer push's update fail."""
    try:
        return _sync(repo, remote, skip)
    except GitCommandError as exc:
        return NotesSync(
            warning=f"could not push the migration notes to {remote}: {exc.message} "
            f"(run `git migrate push` later to carry them)"
        )


def _sync(repo: GitRepo, remote: str, skip: frozenset[str]) -> NotesSync:
    local = {ref: tip for ref in NOTES_REFS if ref not in skip and (tip := repo.ref_value(ref))}
    if not local:
        return NotesSync()
    remote_tips = _remote_tips(repo, remote)
    stale = [ref for ref, tip in local.items() if remote_tips.get(ref) != tip]
    if not stale:
        return NotesSync()
    merged: tuple[str, ...] = ()
    diverged = [ref for ref in stale if not _behind(repo, remote_tips.get(ref), local[ref])]
    if diverged:
        if remote not in repo.remotes():
            return NotesSync(
                warning=f"the notes on {remote} ({', '.join(diverged)}) have diverged from yours; "
                "add it as a named remote and run `git migrate push NAME` to merge and push them"
            )
        from gitmigrate.core.sync import fetch_notes, merge_remote_notes

        fetch_notes(repo, remote, branches=False)
        merged = tuple(merge_remote_notes(repo, remote))
        local = {ref: tip for ref in local if (tip := repo.ref_value(ref))}
        stale = [ref for ref, tip in local.items() if remote_tips.get(ref) != tip]
    refspecs = [f"{ref}:{ref}" for ref in stale]
    if refspecs:
        repo.run("push", "--no-verify", "--quiet", remote, *refspecs, env={NESTED_ENV: "1"})
    return NotesSync(pushed=tuple(stale), merged=merged)
