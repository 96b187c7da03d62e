"""Git notes: step metadata (`refs/notes/migrate`, one JSON document per step commit) and the
run ledger mirror (`refs/notes/migrate-runs`, JSON Lines).

Reads are batched: one `git notes list` plus the persistent cat-file process. Writes go through
one code path: an flock under `.git/` serialises git-migrate processes, and the notes ref is
moved with a compare-and-swap `update-ref <ref> <new> <old>`, retried if anything else (a plain
`git notes add`) moved it meanwhile. `git notes add` alone has no such check and loses notes
when two processes race.
"""

from __future__ import annotations

import fcntl
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import CorruptMetadataError, GitMigrateError

STEP_NOTES_REF = "refs/notes/migrate"
RUN_NOTES_REF = "refs/notes/migrate-runs"
NOTES_REFS = (STEP_NOTES_REF, RUN_NOTES_REF)
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_MAX_CAS_TRIES = 50


@contextmanager
def notes_lock(repo: GitRepo) -> Iterator[None]:
    """Serialise git-migrate's notes writers in this repository; released if the process dies."""
    path = repo.git_dir / "gitmigrate-notes.lock"
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _note_entries(repo: GitRepo, notes_commit: str | None) -> dict[str, tuple[str, str]]:
    """Annotated commit -> (mode, blob sha) of a notes tree, whatever its fan-out."""
    if notes_commit is None:
        return {}
    entries = {}
    for entry in repo.ls_tree(notes_commit):
        key = entry.path.replace("/", "")
        entries[key] = (entry.mode, entry.sha)
    return entries


def read_notes(repo: GitRepo, ref: str, commits: Iterable[str] | None = None) -> dict[str, bytes]:
    """Raw notes of `ref` for `commits` (all when None), in one listing plus batched blob reads."""
    wanted = set(commits) if commits is not None else None
    tip = repo.ref_value(ref)
    if tip is None:
        return {}
    out = repo.run("notes", f"--ref={ref}", "list")
    blob_of = {}
    for line in out.splitlines():
        blob, _, commit = line.partition(" ")
        if wanted is None or commit in wanted:
            blob_of[commit] = blob
    blobs = repo.read_blobs(blob_of.values())
    return {commit: blobs[blob] for commit, blob in blob_of.items()}


def read_step_notes(
    repo: GitRepo, commits: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Step notes as JSON documents; a note edited into invalid JSON is a clear error."""
    docs = {}
    for commit, raw in read_notes(repo, STEP_NOTES_REF, commits).items():
        docs[commit] = _parse_json_note(raw, commit)
    return docs


def read_run_events(
    repo: GitRepo, commits: Iterable[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Run events per commit, in the order they were written."""
    events: dict[str, list[dict[str, Any]]] = {}
    for commit, raw in read_notes(repo, RUN_NOTES_REF, commits).items():
        lines = [line for line in raw.decode(errors="replace").splitlines() if line.strip()]
        parsed = [_parse_json_note(line.encode(), commit, RUN_NOTES_REF) for line in lines]
        events[commit] = sorted(parsed, key=lambda e: (str(e.get("at", "")), str(e.get("seq", ""))))
    return events


def _parse_json_note(raw: bytes, commit: str, ref: str = STEP_NOTES_REF) -> dict[str, Any]:
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptMetadataError(
            f"the note on {commit[:12]} in {ref} is not valid JSON ({exc.msg if isinstance(exc, json.JSONDecodeError) else exc})",
            f"remove it with `git notes --ref={ref} remove {commit[:12]}`; "
            "step notes are recomputed from the commit",
        ) from exc
    if not isinstance(doc, dict):
        raise CorruptMetadataError(
            f"the note on {commit[:12]} in {ref} is JSON but not an object",
            f"remove it with `git notes --ref={ref} remove {commit[:12]}`",
        )
    return doc


Updater = Callable[[Mapping[str, bytes]], Mapping[str, bytes | None]]


def update_notes(
    repo: GitRepo, ref: str, commits: Iterable[str], updater: Updater, message: str
) -> None:
    """Atomically rewrite the notes of `commits` on `ref`.

    `updater` gets the current notes of those commits and returns the new content per commit
    (None removes the note). It may be called more than once if the ref moves under us.
    """
    targets = list(commits)
    with notes_lock(repo):
        for _ in range(_MAX_CAS_TRIES):
            old_tip = repo.ref_value(ref)
            entries = _note_entries(repo, old_tip)
            blobs = repo.read_blobs(entries[c][1] for c in targets if c in entries)
            current = {c: blobs[entries[c][1]] for c in targets if c in entries}
            changes = updater(current)
            for commit, content in changes.items():
                if content is None:
                    entries.pop(commit, None)
                else:
                    entries[commit] = ("100644", repo.hash_blob(content))
            tree = repo.mktree(
                (mode, "blob", sha, name) for name, (mode, sha) in sorted(entries.items())
            )
            new_tip = repo.commit_tree(tree, [old_tip] if old_tip else [], message)
            if repo.update_ref(ref, new_tip, old_tip):
                return
        raise GitMigrateError(
            f"could not update {ref}: it kept changing under git-migrate",
            "stop other processes writing notes and run the command again",
        )


def write_step_notes(repo: GitRepo, docs: Mapping[str, Mapping[str, Any]]) -> None:
    payload = {
        c: (json.dumps(d, indent=2, sort_keys=True) + "\n").encode() for c, d in docs.items()
    }
    update_notes(repo, STEP_NOTES_REF, payload, lambda _old: payload, "git-migrate: step notes")


def append_run_events(repo: GitRepo, events: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """Append JSON Lines events (commit, event) to the run notes, in one ref update."""
    by_commit: dict[str, list[bytes]] = {}
    for commit, event in events:
        if not _HEX40.match(commit):
            raise ValueError(f"run events attach to full commit ids, got {commit!r}")
        line = json.dumps(event, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        by_commit.setdefault(commit, []).append(line)
    if not by_commit:
        return

    def add_lines(old: Mapping[str, bytes]) -> dict[str, bytes | None]:
        merged: dict[str, bytes | None] = {}
        for commit, lines in by_commit.items():
            existing = old.get(commit, b"")
            if existing and not existing.endswith(b"\n"):
                existing += b"\n"
            merged[commit] = existing + b"".join(lines)
        return merged

    update_notes(repo, RUN_NOTES_REF, by_commit, add_lines, "git-migrate: run events")
