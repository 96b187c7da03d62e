"""Gather the facts of a range of migration commits: one value the markdown/JSON renderers and
the pre-push hook's policy all read. Nothing here prints or judges."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gitmigrate.core.catalog import LoadedStep, LoadProblem, read_steps, step_commits, step_dir_of
from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATIONS_DIR, STEP_DIR_RE, Step
from gitmigrate.engine.description import DATABASE, TREE, Description
from gitmigrate.errors import GitMigrateError
from gitmigrate.review.analysis import examine
from gitmigrate.review.applied import AppliedRecord, applied_records
from gitmigrate.review.describe import describe_step
from gitmigrate.review.model import StepFacts
from gitmigrate.review.secrets import scan_files

__all__ = ["ReviewFacts", "StepFacts", "gather", "gather_review", "raw_project_dialect"]


@dataclass(frozen=True)
class RemovedStep:
    step_id: str
    path: str
    applied: tuple[AppliedRecord, ...]


@dataclass(frozen=True)
class ReviewFacts:
    spec: str
    base: str | None
    head: str
    migration: str | None
    steps: tuple[StepFacts, ...]
    problems: tuple[LoadProblem, ...] = ()
    removed: tuple[RemovedStep, ...] = ()
    headers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    root: Path | None = None  # the work tree: kinds that judge a push read its config there

    def to_json(self) -> dict[str, Any]:
        return {
            "range": self.spec,
            "base": self.base,
            "head": self.head,
            "migration": self.migration,
            "steps": [s.to_json() for s in self.steps],
            "load_problems": [
                {"path": p.path, "message": p.message, "fix": p.fix} for p in self.problems
            ],
            "removed": [
                {"id": r.step_id, "path": r.path, "applied": [a.to_json() for a in r.applied]}
                for r in self.removed
            ],
        }


def changed_step_dirs(repo: GitRepo, base: str, head: str) -> set[str]:
    """Step directories with a file added, changed or removed in base..head."""
    out = repo.run(
        "diff", "--name-status", "--no-renames", "-z", base, head, "--", MIGRATIONS_DIR + "/"
    )
    fields = out.split("\0")
    changed: set[str] = set()
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        step_dir = step_dir_of(path)
        if step_dir and status:
            changed.add(step_dir)
    return changed


def _step_id(step_dir: str) -> str:
    _, name, dir_name = step_dir.split("/")
    match = STEP_DIR_RE.match(dir_name)
    return f"{name}/{int(match.group(1)):03d}" if match else f"{name}/{dir_name}"


def _commit_files(repo: GitRepo, commit: str, skip_prefix: str) -> dict[str, bytes]:
    """Files a step commit changed outside its step directory (a config step's real change)."""
    out = repo.run("diff-tree", "-r", "-z", "--no-commit-id", "--root", commit)
    fields = out.split("\0")
    shas: dict[str, str] = {}
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        parts = meta.split()
        if len(parts) >= 5 and parts[4] != "D" and not path.startswith(skip_prefix):
            shas[path] = parts[3]
    blobs = repo.read_blobs(shas.values())
    return {path: blobs[sha] for path, sha in shas.items()}


def gather(
    repo: GitRepo,
    *,
    spec: str,
    base: str | None,
    head: str,
    migration: str | None,
    dialect: str,
    with_impact: bool = False,
) -> ReviewFacts:
    """Facts of the steps changed in base..head (every step of the migration when no base)."""
    dirs: set[str] | None = None
    removed_dirs: set[str] = set()
    if base is not None:
        dirs = changed_step_dirs(repo, base, head)
    if migration is not None and dirs is not None:
        dirs = {d for d in dirs if d.startswith(f"{MIGRATIONS_DIR}/{migration}/")}
    names = None if migration is None else [migration]
    tree = read_steps(repo, head, migrations=names, dirs=dirs)
    if dirs is not None:
        present = {s.step.path for s in tree.steps} | {p.path for p in tree.problems}
        removed_dirs = dirs - present
    commits = step_commits(repo, head) if tree.steps else {}
    ids = [s.step.id for s in tree.steps] + [_step_id(d) for d in removed_dirs]
    records = applied_records(repo, ids) if ids else {}
    notes = _notes(repo, [commits.get(s.step.id) for s in tree.steps]) if with_impact else None
    facts = []
    for loaded in tree.steps:
        step = loaded.step
        declared = loaded.meta.get("dialect")
        chosen = str(declared) if declared else dialect
        if with_impact:  # the review compares with the notes, which hold canonical names
            chosen = _canonical(chosen)
        allow = allowed_rules(loaded)
        cached, analysis = examine(repo, step, chosen, allow, _describer(step, chosen))
        commit = commits.get(step.id)
        if commit is None and (with_impact or cached.runs_in == TREE):
            # committed by hand, without a Migrate-Step trailer: the last commit touching it
            commit = repo.run("log", "-1", "--format=%H", head, "--", step.path).strip() or None
        if commit:
            step = replace(step, commit=commit)
        if notes is not None and cached.runs_in == DATABASE:
            description = describe_step(step, chosen, _note(notes, step, chosen), lenient=True)
        else:
            description = cached
        secrets = scan_files(step.files, step.path, full=description.runs_in == TREE)
        if description.runs_in == TREE and step.commit:
            secrets += scan_files(_commit_files(repo, step.commit, step.path + "/"), "", full=True)
        facts.append(StepFacts(
            step=step, description=description, dialect=chosen, meta=loaded.meta,
            analysis=analysis, allow=allow, secrets=tuple(secrets),
            applied=tuple(records.get(step.id, ())),
        ))  # fmt: skip
    removed = tuple(
        RemovedStep(_step_id(d), d, tuple(records.get(_step_id(d), ())))
        for d in sorted(removed_dirs)
    )
    return ReviewFacts(spec, base, head, migration, tuple(facts), tree.problems, removed,
                       tree.headers, repo.root)  # fmt: skip


def _canonical(dialect: str) -> str:
    from gitmigrate.sql.dialects import normalize_dialect

    try:
        return normalize_dialect(dialect)
    except GitMigrateError:
        return dialect  # reported by the analysis as a problem of the step


def raw_project_dialect(config: ProjectConfig) -> str:
    """The project's dialect as written (`postgres`, a URL scheme ...): the linter normalises
    it. Not normalised here, because `gitmigrate.sql` loads sqlglot, which a pre-push hook
    answered from the cache never needs."""
    if config.dialect:
        return config.dialect
    target = config.targets.get(config.default_target or "")
    if target is not None and "://" in target.url_template:
        return target.url_template.split("://", 1)[0]
    return "sqlite"


def _notes(repo: GitRepo, commits: list[str | None]) -> dict[str, dict[str, Any]]:
    from gitmigrate.core.notes import read_step_notes

    return read_step_notes(repo, [c for c in commits if c])


def _describer(step: Step, dialect: str) -> Callable[[], Description]:
    """The kind's Description without impact (the hook never shows one), for the cache."""
    return lambda: describe_step(step, dialect, {"dialect": dialect, "impact": None}, lenient=True)


def _note(notes: Mapping[str, dict[str, Any]], step: Step, dialect: str) -> dict[str, Any]:
    """The step note when it was written for these files and this dialect; otherwise the kind
    computes what it needs (leniently: SQL that does not parse is a parse error, not a crash)."""
    note = notes.get(step.commit or "")
    if note and note.get("checksum") == step.checksum and note.get("dialect") == dialect:
        return {"dialect": dialect, "impact": note.get("impact")}
    return {"dialect": dialect}


def allowed_rules(loaded: LoadedStep) -> frozenset[str]:
    """Lint rules whose errors this step accepts: `allow = [...]` in step.toml (top level, or
    under [options])."""
    found: set[str] = set()
    for source in (loaded.meta.get("allow"), loaded.step.options.get("allow")):
        if isinstance(source, str):
            found.add(source)
        elif isinstance(source, list):
            found.update(str(item) for item in source)
    return frozenset(found)


def gather_review(repo: GitRepo, spec: str | None) -> ReviewFacts:
    """The facts `git migrate review [RANGE]` shows (impact included)."""
    from gitmigrate.core.config import load_config
    from gitmigrate.review.rangespec import resolve_range

    config = load_config(repo)
    chosen = resolve_range(repo, config, spec)
    return gather(repo, spec=chosen.spec, base=chosen.base, head=chosen.head,
                  migration=chosen.migration, dialect=_canonical(raw_project_dialect(config)),
                  with_impact=True)  # fmt: skip
