"""Notes: batched reads, one locked compare-and-swap write path, fan-out tolerance."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import (
    RUN_NOTES_REF,
    STEP_NOTES_REF,
    append_run_events,
    read_notes,
    read_run_events,
    read_step_notes,
    update_notes,
    write_step_notes,
)
from gitmigrate.errors import CorruptMetadataError
from tests.fixtures_git import git


def _commits(repo: Path, count: int) -> list[str]:
    """`count` distinct commits made in one `git fast-import` process."""
    stream = []
    for n in range(count):
        stream.append(
            f"commit refs/heads/many\nmark :{n + 1}\n"
            f"committer T <t@example.com> 1700000000 +0000\ndata {len(str(n))}\n{n}\n"
            + ("" if n == 0 else f"from :{n}\n")
            + "\n"
        )
    git(repo, "fast-import", "--quiet", input="".join(stream))
    return git(repo, "rev-list", "--reverse", "many").split()


def test_step_notes_round_trip_and_batched_reads(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    commits = _commits(git_repo, 5)
    write_step_notes(repo, {c: {"n": i} for i, c in enumerate(commits)})
    assert read_step_notes(repo) == {c: {"n": i} for i, c in enumerate(commits)}
    assert read_step_notes(repo, commits[1:3]) == {commits[1]: {"n": 1}, commits[2]: {"n": 2}}
    shown = git(git_repo, "notes", "--ref", "migrate", "show", commits[4])
    assert json.loads(shown) == {"n": 4}
    assert read_notes(repo, "refs/notes/nothing-here") == {}


def test_run_events_append_and_sort(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    commit = _commits(git_repo, 1)[0]
    append_run_events(repo, [(commit, {"event": "b", "at": "2024-01-02"})])
    append_run_events(
        repo, [(commit, {"event": "a", "at": "2024-01-01"}), (commit, {"event": "c", "at": "3"})]
    )
    raw = git(git_repo, "notes", "--ref", "migrate-runs", "show", commit).splitlines()
    assert len(raw) == 3  # JSON Lines, one event per line
    events = read_run_events(repo)[commit]
    assert [e["event"] for e in events] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="full commit ids"):
        append_run_events(repo, [(commit[:12], {"event": "x"})])


@pytest.mark.parametrize(
    ("body", "what"), [("{not json", "is not valid JSON"), ('["a list"]', "not an object")]
)
def test_invalid_json_note_is_a_clear_error(git_repo: Path, body: str, what: str) -> None:
    repo = GitRepo(git_repo)
    commit = repo.head_commit()
    assert commit is not None
    git(git_repo, "notes", "--ref=migrate", "add", "-f", "-m", body, commit)
    with pytest.raises(CorruptMetadataError) as info:
        read_step_notes(repo)
    assert what in info.value.message
    assert commit[:12] in info.value.message
    assert info.value.hint and f"git notes --ref={STEP_NOTES_REF} remove {commit[:12]}" in (
        info.value.hint
    )
    assert info.value.exit_code == 1


def test_invalid_run_event_line_is_a_clear_error(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    commit = repo.head_commit()
    assert commit is not None
    append_run_events(repo, [(commit, {"event": "ok"})])
    git(git_repo, "notes", "--ref=migrate-runs", "append", "-m", "garbage", commit)
    with pytest.raises(CorruptMetadataError, match="migrate-runs is not valid JSON"):
        read_run_events(repo)


WRITER = textwrap.dedent(
    """
    import sys
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.notes import append_run_events

    repo = GitRepo(sys.argv[1])
    worker, commit, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
    for n in range(count):
        append_run_events(repo, [(commit, {"event": "applied", "worker": worker, "seq": n})])
    """
)


def test_parallel_processes_never_lose_each_others_events(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    commit = repo.head_commit()
    assert commit is not None
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(git_repo), str(w), commit, "20"],
            stderr=subprocess.PIPE,
        )
        for w in range(8)
    ]
    for proc in workers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    events = read_run_events(repo)[commit]
    assert len(events) == 160
    assert {(e["worker"], e["seq"]) for e in events} == {
        (str(w), n) for w in range(8) for n in range(20)
    }
    # one notes commit per append: nothing was squashed or overwritten
    assert int(git(git_repo, "rev-list", "--count", RUN_NOTES_REF)) == 160


def test_cas_retries_when_plain_git_notes_moves_the_ref(git_repo: Path) -> None:
    """A `git notes add` landing between our read and our update-ref is kept, and so is ours."""
    repo = GitRepo(git_repo)
    ours, theirs = _commits(git_repo, 2)
    calls = 0

    def updater(old: Mapping[str, bytes]) -> dict[str, bytes | None]:
        nonlocal calls
        calls += 1
        if calls == 1:  # someone else writes while we compute
            git(git_repo, "notes", "--ref=migrate-runs", "add", "-m", '{"plain":1}', theirs)
        return {ours: old.get(ours, b"") + b'{"ours":1}\n'}

    update_notes(repo, RUN_NOTES_REF, [ours], updater, "test")
    assert calls == 2
    assert read_run_events(repo) == {ours: [{"ours": 1}], theirs: [{"plain": 1}]}


def test_plain_git_notes_racing_our_writers(git_repo: Path) -> None:
    """Racing plain `git notes add -f` on other commits: our writers never crash or lose each
    other's events while it runs; the plain writer's notes survive our updates. (`git notes`
    itself moves the ref without compare-and-swap, so it can still overwrite one of our
    updates; that is git's limitation, measured here rather than hidden.)"""
    repo = GitRepo(git_repo)
    target, *others = _commits(git_repo, 21)
    plain_script = "; ".join(
        f"git notes --ref=refs/notes/migrate-runs add -f -m '{{\"plain\":{n}}}' {c}"
        for n, c in enumerate(others)
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(git_repo), str(w), target, "10"],
            stderr=subprocess.PIPE,
        )
        for w in range(3)
    ]
    plain = subprocess.Popen(["sh", "-c", plain_script], cwd=git_repo, stderr=subprocess.PIPE)
    for proc in [*writers, plain]:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    events = read_run_events(repo)
    survivors = len(events.get(target, []))
    assert all(c in events for c in others), "a plain git note was lost by our update"
    # Our last write lands after git's last, or git's overwrote a stale tree; either way every
    # event in the final tree is well formed and appears once.
    assert len({(e["worker"], e["seq"]) for e in events.get(target, [])}) == survivors
    append_run_events(repo, [(target, {"worker": "final", "seq": 0})])
    assert len(read_run_events(repo)[target]) == survivors + 1


def test_fanned_out_notes_tree_keeps_every_note(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    commits = _commits(git_repo, 300)
    git(git_repo, "notes", "--ref=migrate-runs", "add", "-m", '{"n":"first"}', commits[0])
    pairs = "".join(f"{commits[0]} {c}\n" for c in commits[1:])
    git(git_repo, "notes", "--ref=migrate-runs", "copy", "--stdin", input=pairs)
    top = git(git_repo, "ls-tree", "--name-only", RUN_NOTES_REF).split()
    assert all(len(name) == 2 for name in top), "git did not fan the notes tree out"
    assert len(read_notes(repo, RUN_NOTES_REF)) == 300

    append_run_events(repo, [(commits[150], {"n": "ours"})])

    listed = git(git_repo, "notes", "--ref=migrate-runs", "list").splitlines()
    assert len(listed) == 300
    events = read_run_events(repo)
    assert len(events) == 300
    assert events[commits[150]] == [{"n": "first"}, {"n": "ours"}]
    assert events[commits[299]] == [{"n": "first"}]
    # and plain git still reads and writes the tree we wrote
    assert "ours" in git(git_repo, "notes", "--ref=migrate-runs", "show", commits[150])
    git(git_repo, "notes", "--ref=migrate-runs", "add", "-f", "-m", '{"n":"again"}', commits[7])
    assert len(read_run_events(repo)) == 300
