"""Which steps a run covers, in which order.

On a migration branch: that migration's steps in NNN order. Elsewhere (main, a release): every
migration in HEAD's tree, ordered by when each reached the branch's first-parent history
(merge order), then by NNN -- the order in which they were accepted, not their names.
"""

from __future__ import annotations

from gitmigrate.core.catalog import load_migration, load_migrations
from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.core.queries import default_migration, migration_ref
from gitmigrate.errors import UsageError


def merge_order(repo: GitRepo) -> dict[str, int]:
    """Migration name -> position of the first-parent commit that brought it in."""
    out = repo.run(
        "log",
        "--first-parent",
        "--reverse",
        "--diff-filter=A",
        "--name-only",
        "--format=%x1e%H",
        "--",
        MIGRATIONS_DIR,
    )
    order: dict[str, int] = {}
    for position, record in enumerate(out.split("\x1e")):
        for path in record.splitlines()[1:]:
            parts = path.split("/")
            if len(parts) >= 3 and parts[1] not in order:
                order[parts[1]] = position
    return order


def steps_in_scope(repo: GitRepo, config: ProjectConfig, migration: str | None) -> list[Step]:
    name = default_migration(repo, config, migration)
    if name is not None:
        return list(load_migration(repo, name, migration_ref(repo, config, name)).steps)
    return steps_in_tree(repo)


def steps_in_tree(repo: GitRepo) -> list[Step]:
    """Every step of every migration in HEAD's tree, in merge order then NNN (the scope of a
    run off a migration branch, and of a run restricted to named steps)."""
    migrations = load_migrations(repo, "HEAD")
    order = merge_order(repo)
    ranked = sorted(migrations.values(), key=lambda m: (order.get(m.name, len(order)), m.name))
    return [step for m in ranked for step in m.steps]


def cut_at(steps: list[Step], to: str | None) -> list[Step]:
    """Steps up to and including `to` (NNN within the migration, or NAME/NNN)."""
    if to is None:
        return steps
    for index, step in enumerate(steps):
        if to in (step.id, str(step.seq), f"{step.seq:03d}"):
            return steps[: index + 1]
    raise UsageError(
        f"--to {to}: no such step in this run's scope",
        "give a step number of the current migration or NAME/NNN (`git migrate log` lists them)",
    )
