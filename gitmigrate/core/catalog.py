"""Reads migrations and steps from a commit's tree: the step files are the source of truth,
commits are their history (so a squash merge on a hosting site loses no step).

One `ls-tree` plus blob reads through the persistent cat-file process, whatever the step count.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.gitstore import GitRepo, parse_trailers
from gitmigrate.core.model import (
    MIGRATION_FILE,
    MIGRATIONS_DIR,
    STEP_DIR_RE,
    STEP_FILE,
    Migration,
    Step,
)
from gitmigrate.errors import CorruptMetadataError, UsageError


@dataclass(frozen=True)
class LoadedStep:
    """A step plus its parsed step.toml (for keys the model does not carry)."""

    step: Step
    meta: Mapping[str, Any]


@dataclass(frozen=True)
class LoadProblem:
    """A step (or migration.toml) that could not be read: what is wrong and how to fix it."""

    path: str
    message: str
    fix: str


@dataclass(frozen=True)
class TreeSteps:
    """What `read_steps` found: the steps it could read, and a problem for each it could not."""

    steps: tuple[LoadedStep, ...]
    problems: tuple[LoadProblem, ...]
    headers: Mapping[str, Mapping[str, Any]]  # migration name -> its migration.toml
    header_problems: tuple[LoadProblem, ...] = ()
    names: frozenset[str] = field(default_factory=frozenset)  # every migration directory seen


def step_dir_of(path: str) -> str | None:
    """`migrations/<name>/<NNN>-<slug>` for a path inside a step directory, else None."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == MIGRATIONS_DIR and STEP_DIR_RE.match(parts[2]):
        return "/".join(parts[:3])
    return None


def read_steps(
    repo: GitRepo,
    ref: str,
    *,
    migrations: Collection[str] | None = None,
    dirs: Collection[str] | None = None,
    commits: Mapping[str, str] | None = None,
) -> TreeSteps:
    """Steps in `ref`'s tree (of `migrations`, all when None; limited to step `dirs`), without
    raising: a malformed step becomes a LoadProblem and the others are still read. `apply`
    refuses on the first problem (`load_migrations`); review and the pre-push hook name them
    all. One `ls-tree` and one batched blob read, whatever the step count."""
    files: dict[str, dict[str, str]] = defaultdict(dict)
    header_shas: dict[str, str] = {}
    names: set[str] = set()
    for entry in repo.ls_tree(ref, MIGRATIONS_DIR + "/"):
        parts = entry.path.split("/")
        if migrations is not None and (len(parts) < 2 or parts[1] not in migrations):
            continue
        if len(parts) == 3 and parts[2] == MIGRATION_FILE:
            header_shas[parts[1]] = entry.sha
            names.add(parts[1])
            continue
        if len(parts) >= 4:
            names.add(parts[1])
        step_dir = step_dir_of(entry.path)
        if step_dir and (dirs is None or step_dir in dirs):
            files[step_dir]["/".join(parts[3:])] = entry.sha
    blobs = repo.read_blobs(
        [*header_shas.values(), *(s for d in files.values() for s in d.values())]
    )
    headers: dict[str, Mapping[str, Any]] = {}
    header_problems = []
    for name, sha in sorted(header_shas.items()):
        where = f"{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}"
        parsed = _toml(blobs[sha], where)
        headers[name] = parsed if isinstance(parsed, dict) else {}
        if isinstance(parsed, LoadProblem):
            header_problems.append(parsed)
    steps: list[LoadedStep] = []
    problems: list[LoadProblem] = []
    for step_dir in sorted(files):
        content = {fname: blobs[sha] for fname, sha in files[step_dir].items()}
        read = _read_step(step_dir, content, commits or {})
        if isinstance(read, LoadedStep):
            steps.append(read)
        else:
            problems.append(read)
    steps.sort(key=lambda s: (s.step.migration, s.step.seq))
    return TreeSteps(tuple(steps), tuple(problems), headers, tuple(header_problems),
                     frozenset(names))  # fmt: skip


def _read_step(
    step_dir: str, content: dict[str, bytes], commits: Mapping[str, str]
) -> LoadedStep | LoadProblem:
    _, name, dir_name = step_dir.split("/")
    match = STEP_DIR_RE.match(dir_name)
    assert match is not None
    where = f"{step_dir}/{STEP_FILE}"
    if STEP_FILE not in content:
        return LoadProblem(
            step_dir, f"{where} is missing",
            f"restore it with `git checkout <last good commit> -- {where}`, or add it with kind "
            "and summary (see docs/commands/add-sql.md)",
        )  # fmt: skip
    meta = _toml(content[STEP_FILE], where)
    if isinstance(meta, LoadProblem):
        return meta
    if not meta.get("kind"):
        return LoadProblem(
            step_dir, f"{where} has no kind", f'add `kind = "sql"` (or the step\'s kind) to {where}'
        )
    try:
        options, irreversible = _options(meta, where), _irreversible(meta, where)
    except CorruptMetadataError as exc:
        return LoadProblem(step_dir, exc.message, exc.hint or "")
    seq = int(match.group(1))
    step = Step(
        migration=name,
        seq=seq,
        slug=match.group(2),
        kind=str(meta["kind"]),
        summary=str(meta.get("summary", "")),
        files=content,
        options=options,
        irreversible=irreversible,
        commit=commits.get(f"{name}/{seq:03d}"),
    )
    return LoadedStep(step, meta)


def load_migrations(repo: GitRepo, ref: str = "HEAD") -> dict[str, Migration]:
    """Every migration in `ref`'s tree, keyed by name, steps in NNN order; refuses (raises) on
    the first step that cannot be read or is not well formed."""
    if repo.rev_parse(ref) is None:
        return {}
    tree = read_steps(repo, ref, commits=step_commits(repo, ref))
    for problem in (*tree.header_problems, *tree.problems):
        raise CorruptMetadataError(problem.message, problem.fix)
    by_name: dict[str, list[Step]] = defaultdict(list)
    for loaded in tree.steps:
        _check_step(loaded.step, loaded.step.path)
        by_name[loaded.step.migration].append(loaded.step)
    migrations = {}
    for name in sorted(tree.names):
        header = tree.headers.get(name, {})
        migrations[name] = Migration(
            name=name,
            description=str(header.get("description", "")),
            created=str(header.get("created", "")),
            base=str(header.get("base", "")),
            steps=tuple(sorted(by_name.get(name, []), key=lambda s: s.seq)),
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


def _toml(data: bytes, where: str) -> dict[str, Any] | LoadProblem:
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return LoadProblem(
            where.rsplit("/", 1)[0], f"{where} is not valid TOML: {exc}",
            f"fix the file, or restore it with `git checkout <last good commit> -- {where}`",
        )  # fmt: skip


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
    if not step.kind:
        raise CorruptMetadataError(
            f"{path}/{STEP_FILE} has no kind", 'add `kind = "sql"` (or the step\'s kind) to it'
        )
    if step.kind == "sql":
        required = ["up.sql"] + ([] if step.irreversible else ["down.sql"])
        for fname in required:
            if fname not in step.files:
                raise CorruptMetadataError(
                    f"step {step.id}: {path}/{fname} is missing",
                    f"restore it with `git checkout {step.commit or '<step commit>'} -- {path}/{fname}`",
                )
