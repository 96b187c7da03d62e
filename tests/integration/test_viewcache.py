"""`log --json` is served from a cache keyed by object ids: it must never serve stale data."""

from __future__ import annotations

import json
from pathlib import Path

from gitmigrate.core.authoring import SqlSource, start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import append_run_events
from gitmigrate.kinds.sql.authoring import add_sql_step
from tests.fixtures_git import CliRunner, git


def _add(repo: GitRepo, n: int) -> str:
    step = add_sql_step(
        repo,
        summary=f"step {n}",
        up=SqlSource(f"CREATE TABLE t{n} (id INTEGER);", "up.sql"),
        down=SqlSource(f"DROP TABLE t{n};", "down.sql"),
    )
    assert step.commit
    return step.commit


def _log(run_cli: CliRunner) -> list[dict[str, object]]:
    result = run_cli("log", "--json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def test_log_cache_follows_steps_notes_and_branches(git_repo: Path, run_cli: CliRunner) -> None:
    repo = GitRepo(git_repo)
    start_migration(repo, "m")
    first = _add(repo, 1)
    assert [s["id"] for s in _log(run_cli)] == ["m/001"]
    cache = git_repo / ".git" / "gitmigrate" / "cache"
    assert list(cache.glob("*.json")), "the first read fills the cache"

    _add(repo, 2)  # a new step moves the branch: a new key
    assert [s["id"] for s in _log(run_cli)] == ["m/001", "m/002"]

    append_run_events(repo, [(first, {"event": "step_applied", "target": "dev", "at": "x"})])
    events = _log(run_cli)[0]["events"]
    assert isinstance(events, list) and events[-1]["event"] == "step_applied"

    git(git_repo, "notes", "--ref=refs/notes/migrate", "remove", first)  # a plain git edit
    assert _log(run_cli)[0]["note"]["recomputed"] is True  # type: ignore[index]


def test_corrupt_cache_entry_is_recomputed(git_repo: Path, run_cli: CliRunner) -> None:
    repo = GitRepo(git_repo)
    start_migration(repo, "m")
    _add(repo, 1)
    _log(run_cli)
    for entry in (git_repo / ".git" / "gitmigrate" / "cache").glob("*.json"):
        entry.write_text("{not json")
    result = run_cli("log", "--json")
    # a damaged cache file is served as text only if it parses: it must not be
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["id"] == "m/001"
