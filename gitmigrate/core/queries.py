"""Read-only questions about migrations: list, log, show, diff. Plain functions returning
frozen values; the CLI renders them as tables or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitmigrate.core.catalog import load_migration, load_migrations
from gitmigrate.core.config import ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Migration, Step
from gitmigrate.core.notes import read_run_events
from gitmigrate.core.stepmeta import step_notes_for
from gitmigrate.core.viewcache import cache_key, cached_text
from gitmigrate.errors import UsageError


@dataclass(frozen=True)
class StepView:
    step: Step
    note: dict[str, Any]
    events: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.step.id,
            "seq": self.step.seq,
            "kind": self.step.kind,
            "summary": self.step.summary,
            "path": self.step.path,
            "commit": self.step.commit,
            "checksum": self.step.checksum,
            "irreversible": self.step.irreversible,
            "note": self.note,
            "events": list(self.events),
        }


def default_migration(repo: GitRepo, config: ProjectConfig, name: str | None) -> str | None:
    """The named migration, else the one whose branch is checked out, else None (= all)."""
    if name:
        return name
    branch = repo.current_branch()
    if branch and branch.startswith(config.branch_prefix):
        return branch[len(config.branch_prefix) :]
    return None


def list_migrations(repo: GitRepo) -> list[dict[str, Any]]:
    """Migrations on their branches and in HEAD's tree (merged ones)."""
    config = load_config(repo)
    found: dict[str, dict[str, Any]] = {}
    for name, migration in load_migrations(repo, "HEAD").items():
        found[name] = _summary(migration, branch=None, in_head=True)
    for ref in repo.run(
        "for-each-ref", "--format=%(refname:short)", f"refs/heads/{config.branch_prefix}"
    ).split():
        name = ref[len(config.branch_prefix) :]
        on_branch = load_migrations(repo, ref).get(name)
        if on_branch is not None:
            entry = _summary(on_branch, branch=ref, in_head=name in found)
            found[name] = {**found.get(name, {}), **entry}
    return [found[n] for n in sorted(found)]


def _summary(migration: Migration, *, branch: str | None, in_head: bool) -> dict[str, Any]:
    return {
        "name": migration.name,
        "description": migration.description,
        "created": migration.created,
        "branch": branch,
        "steps": len(migration.steps),
        "in_head": in_head,
    }


def migration_ref(repo: GitRepo, config: ProjectConfig, name: str) -> str:
    """Read a migration from its branch when it exists, else from HEAD (merged)."""
    branch = f"{config.branch_prefix}{name}"
    return branch if repo.branch_exists(branch) else "HEAD"


def step_views(
    repo: GitRepo, name: str | None = None, dialect: str | None = None
) -> list[StepView]:
    """Every step of one migration (or of all in HEAD) with its note and run events; batched."""
    config = load_config(repo)
    chosen = default_migration(repo, config, name)
    if chosen:
        steps = list(load_migration(repo, chosen, migration_ref(repo, config, chosen)).steps)
    else:
        steps = [s for m in load_migrations(repo, "HEAD").values() for s in m.steps]
    notes = step_notes_for(repo, steps, dialect or config.dialect)
    events = read_run_events(repo, [s.commit for s in steps if s.commit])
    return [StepView(s, notes[s.id], tuple(events.get(s.commit or "", ()))) for s in steps]


def step_views_json_text(repo: GitRepo, name: str | None = None) -> str:
    """`step_views` as JSON text, cached by the object ids it derives from."""
    config = load_config(repo)
    chosen = default_migration(repo, config, name)
    # the branch when it exists (cache_key lists it), else HEAD (a merged migration)
    ref = f"refs/heads/{config.branch_prefix}{chosen}" if chosen else "HEAD"
    key = cache_key(repo, ref, "log", chosen or "*", config.dialect or "")
    return cached_text(repo, key, lambda: [v.to_json() for v in step_views(repo, name)])


def find_step(repo: GitRepo, spec: str, name: str | None = None) -> Step:
    """STEP = number (in the current migration), NAME/NNN, or a commit id."""
    config = load_config(repo)
    if "/" in spec:
        mig_name, _, number = spec.rpartition("/")
        if number.isdigit():
            return _step_by_seq(repo, config, mig_name, int(number), spec)
    if spec.isdigit() and len(spec) <= 6:
        chosen = default_migration(repo, config, name)
        if chosen is None:
            raise UsageError(
                f"step {spec} is ambiguous outside a migration branch",
                "write it as NAME/NNN, or pass --migration NAME",
            )
        return _step_by_seq(repo, config, chosen, int(spec), spec)
    commit = repo.rev_parse(spec)
    if commit:
        for migration in load_migrations(repo, commit).values():
            for step in migration.steps:
                if step.commit == commit:
                    return step
    raise UsageError(
        f"unknown step {spec!r}", "give a step number, NAME/NNN, or a step's commit id"
    )


def _step_by_seq(repo: GitRepo, config: ProjectConfig, mig_name: str, seq: int, spec: str) -> Step:
    migration = load_migration(repo, mig_name, migration_ref(repo, config, mig_name))
    step = migration.step(seq)
    if step is None:
        last = migration.steps[-1].seq if migration.steps else 0
        raise UsageError(
            f"unknown step {spec!r}: migration {mig_name} has steps 1..{last}",
            "`git migrate log` lists them",
        )
    return step


def step_diff(repo: GitRepo, from_spec: str | None, to_spec: str | None) -> str:
    """The git diff of the step files between two steps (default: the last step's own change)."""
    config = load_config(repo)
    if from_spec is None:
        name = default_migration(repo, config, None)
        if name is None:
            raise UsageError("no step given and not on a migration branch", "pass FROM [TO]")
        migration = load_migration(repo, name, migration_ref(repo, config, name))
        if not migration.steps:
            return ""
        to_step = migration.steps[-1]
        from_commit = f"{to_step.commit}^"
        to_commit = to_step.commit or "HEAD"
        path = f"migrations/{name}"
    else:
        start = find_step(repo, from_spec)
        end = find_step(repo, to_spec) if to_spec else None
        from_commit = start.commit or "HEAD"
        to_commit = (end.commit if end else None) or "HEAD"
        path = f"migrations/{start.migration}"
    return repo.run("diff", from_commit, to_commit, "--", path)


def lint_counts(
    repo: GitRepo, steps: list[Step], dialect: str | None
) -> dict[str, dict[str, int] | None]:
    """Per step (the caller's scope, `engine.plan.steps_in_scope`): its lint findings by severity,
    from the step notes (recomputed where a note is missing); None for steps without SQL, which
    are not linted."""
    counts: dict[str, dict[str, int] | None] = {}
    for step_id, note in step_notes_for(repo, steps, dialect).items():
        found = note.get("lint")
        if not isinstance(found, list):
            counts[step_id] = None
            continue
        counts[step_id] = {
            "errors": sum(1 for f in found if f.get("severity") == "error"),
            "warnings": sum(1 for f in found if f.get("severity") == "warning"),
            "blocking": sum(1 for f in found if f.get("blocking")),
        }
    return counts
