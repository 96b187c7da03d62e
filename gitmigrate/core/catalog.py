"""Reads migrations and steps from a commit's tree: the step files are the source of truth,
commits are their history (so a squash merge on a hosting site loses no step).

One `ls-tree` plus blob reads through the persistent cat-file process, whatever the step count.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from typing import Any

from gitmigrate.core.gitstore import GitRepo, parse_trailers
from gitmigrate.core.kindlookup import step_problems
from gitmigrate.core.model import (
    MIGRATION_FILE,
    MIGRATIONS_DIR,
    STEP_DIR_RE,
    STEP_FILE,
    Migration,
    Step,
)
from gitmigrate.errors import CorruptMetadataError, UsageError


def load_migrations(repo: GitRepo, ref: str = "HEAD") -> dict[str, Migration]:
    """Every migration in `ref`'s tree, keyed by name, steps in NNN order."""
    if repo.rev_parse(ref) is None:
        return {}
    entries = repo.ls_tree(ref, MIGRATIONS_DIR + "/")
    by_migration: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    headers: dict[str, str] = {}
    for entry in entries:
        parts = entry.path.split("/")
        if len(parts) == 3 and parts[2] == MIGRATION_FILE:
            headers[parts[1]] = entry.sha
        elif len(parts) >= 4:
            by_migration[parts[1]][parts[2]]["/".join(parts[3:])] = entry.sha
    commits = step_commits(repo, ref)
    blobs = repo.read_blobs(
        [
            *headers.values(),
            *(sha for d in by_migration.values() for f in d.values() for sha in f.values()),
        ]
    )
    migrations = {}
    for name in sorted(set(headers) | set(by_migration)):
        migrations[name] = _build_migration(
            blobs, name, headers.get(name), by_migration.get(name, {}), commits
        )
    return migrations


def load_migration(repo: GitRepo, name: str, ref: str = "HEAD") -> Migration:
    migrations = load_migrations(repo, ref)
    if name not in migrations:
        known = ", ".join(migrations) or "none"
        raise UsageError(
            f"no migration named {name!r} in {ref}",
            f"known migrations: {known}; `git migrate list` shows them",
        )
    return migrations[name]


def step_commits(repo: GitRepo, ref: str) -> dict[str, str]:
    """Step id -> the commit that introduced it, from `Migrate-Step` trailers (one git process)."""
    # Not path-limited: the trailers identify step commits, and `-- migrations` would make git
    # diff every commit's tree (6x slower on a 1,000-step branch).
    fmt = "%H%x1f%(trailers:key=Migrate-Step,key=Migrate-Rollback,unfold)%x1e"
    found: dict[str, str] = {}
    for record in repo.run("log", f"--format={fmt}", ref).split("\x1e"):
        commit, _, trailer_text = record.strip("\n").partition("\x1f")
        if not trailer_text:
            continue
        trailers = parse_trailers(trailer_text)
        step_id = trailers.get("Migrate-Step")
        if step_id and "Migrate-Rollback" not in trailers:
            found[step_id] = commit  # log is newest first: the oldest wins
    return found


def _parse_toml(data: bytes, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorruptMetadataError(
            f"{where} is not valid TOML: {exc}",
            f"fix the file, or restore it with `git checkout <last good commit> -- {where}`",
        ) from exc


def _build_migration(
    blobs: dict[str, bytes],
    name: str,
    header_sha: str | None,
    step_dirs: dict[str, dict[str, str]],
    commits: dict[str, str],
) -> Migration:
    header: dict[str, Any] = {}
    if header_sha:
        header = _parse_toml(blobs[header_sha], f"{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}")
    steps = []
    for dir_name in sorted(step_dirs):
        match = STEP_DIR_RE.match(dir_name)
        if not match:
            continue
        path = f"{MIGRATIONS_DIR}/{name}/{dir_name}"
        file_shas = step_dirs[dir_name]
        if STEP_FILE not in file_shas:
            raise CorruptMetadataError(
                f"{path}/{STEP_FILE} is missing",
                f"restore it with `git checkout <last good commit> -- {path}/{STEP_FILE}`",
            )
        files = {fname: blobs[sha] for fname, sha in file_shas.items()}
        meta = _parse_toml(files[STEP_FILE], f"{path}/{STEP_FILE}")
        seq = int(match.group(1))
        step = Step(
            migration=name,
            seq=seq,
            slug=match.group(2),
            kind=str(meta.get("kind", "")),
            summary=str(meta.get("summary", "")),
            files=files,
            options=_options(meta, f"{path}/{STEP_FILE}"),
            irreversible=_irreversible(meta, f"{path}/{STEP_FILE}"),
            commit=commits.get(f"{name}/{seq:03d}"),
        )
        _check_step(step, path)
        steps.append(step)
    return Migration(
        name=name,
        description=str(header.get("description", "")),
        created=str(header.get("created", "")),
        base=str(header.get("base", "")),
        steps=tuple(sorted(steps, key=lambda s: s.seq)),
    )


def _irreversible(meta: dict[str, Any], where: str) -> str | None:
    """`irreversible = "reason"`; false or empty means reversible."""
    value = meta.get("irreversible")
    if value is None or value is False or value == "":
        return None
    if not isinstance(value, str):
        raise CorruptMetadataError(
            f"{where}: irreversible must be the reason no rollback can exist, not {value!r}",
            'write it as irreversible = "why", or remove it and add a down.sql',
        )
    return value


def _options(meta: dict[str, Any], where: str) -> dict[str, Any]:
    """[options], with a top-level `allow = [...]` (lint rules a reviewer accepted) folded in."""
    raw = meta.get("options", {})
    if not isinstance(raw, dict):
        raise CorruptMetadataError(
            f"{where}: options must be a table ([options]), not {raw!r}"[:300],
            "write the step's options under an [options] header, one `key = value` a line",
        )
    options = dict(raw)
    if "allow" in meta and "allow" not in options:
        options["allow"] = meta["allow"]
    allow = options.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(rule, str) for rule in allow):
        raise CorruptMetadataError(
            f"{where}: allow must be a list of lint rule names, not {allow!r}"[:300],
            'write e.g. allow = ["drop-table"]',
        )
    return options


def _check_step(step: Step, path: str) -> None:
    """Every step names its kind; the kind says whether its files are well formed."""
    if not step.kind:
        raise CorruptMetadataError(
            f"{path}/{STEP_FILE} has no kind", 'add `kind = "sql"` (or the step\'s kind) to it'
        )
    for problem in step_problems(step):
        raise CorruptMetadataError(problem.message, problem.hint)
