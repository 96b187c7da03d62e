"""The pre-push gate: for every pushed migration branch, the steps changed in the pushed range
are judged by `review.policy`; if nothing blocks, the notes go along (`notes_push`).

Only the steps that changed between what the remote has and what is pushed are read (for a
new branch: since the migration's base), and their parse/lint results come from the per-step
cache, so a push costs a few git processes, not a linter run over the whole branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gitmigrate.core.config import DEFAULT_BRANCH_PREFIX, is_initialised, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATION_FILE, MIGRATIONS_DIR
from gitmigrate.hooks.notes_push import NESTED_ENV, NotesSync, sync_notes
from gitmigrate.hooks.protocol import PushUpdate, parse_updates, pre_commit_update
from gitmigrate.review.facts import gather, raw_project_dialect
from gitmigrate.review.policy import Problem, blocking_problems
from gitmigrate.review.rangespec import migration_base


@dataclass(frozen=True)
class RefCheck:
    update: PushUpdate
    migration: str | None
    steps_checked: int
    problems: tuple[Problem, ...]

    @property
    def branch(self) -> str:
        return self.update.remote_ref.removeprefix("refs/heads/")


@dataclass(frozen=True)
class HookReport:
    remote: str
    checked: tuple[RefCheck, ...] = ()
    notes: NotesSync = field(default_factory=NotesSync)

    @property
    def blocked(self) -> bool:
        return any(c.problems for c in self.checked)


def _settings(repo: GitRepo) -> tuple[str, str]:
    """(branch prefix, project dialect); a repository without .gitmigrate.toml still has them."""
    if is_initialised(repo):
        config = load_config(repo)
        return config.branch_prefix, raw_project_dialect(config)
    prefix = repo.config_get("migrate.branchPrefix") or DEFAULT_BRANCH_PREFIX
    return prefix, "sqlite"


def read_updates(repo: GitRepo, stdin: str, env: Mapping[str, str]) -> list[PushUpdate]:
    """git's stdin lines; under pre-commit (stdin consumed) the ref from its environment."""
    updates = parse_updates(stdin)
    if updates or not env.get("PRE_COMMIT"):
        return updates
    local = env.get("PRE_COMMIT_LOCAL_BRANCH", "")
    from_env = pre_commit_update(env, repo.rev_parse(local) if local else None)
    return [from_env] if from_env else []


def _migration_ref(update: PushUpdate, prefix: str) -> str | None:
    for ref in (update.remote_ref, update.local_ref):
        if ref.startswith(f"refs/heads/{prefix}") and len(ref) > len(f"refs/heads/{prefix}"):
            return ref[len(f"refs/heads/{prefix}") :]
    return None


def check_update(repo: GitRepo, update: PushUpdate, name: str, dialect: str) -> RefCheck:
    head = update.local_sha
    has_migration = repo.ok("cat-file", "-e", f"{head}:{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}")
    migration = name if has_migration else None
    base = None
    if not update.creates and repo.ok("cat-file", "-e", f"{update.remote_sha}^{{commit}}"):
        base = update.remote_sha
    elif migration is not None:
        base = migration_base(repo, head, migration)
    facts = gather(repo, spec=f"{update.remote_ref}", base=base, head=head,
                   migration=migration, dialect=dialect)  # fmt: skip
    return RefCheck(update, migration, len(facts.steps), tuple(blocking_problems(facts)))


def run_pre_push(
    repo: GitRepo, remote: str | None, stdin: str, env: Mapping[str, str]
) -> HookReport:
    """Check every pushed migration branch; push the notes along when nothing blocks."""
    remote = remote or env.get("PRE_COMMIT_REMOTE_NAME") or env.get("PRE_COMMIT_REMOTE_URL") or ""
    updates = read_updates(repo, stdin, env)
    prefix, dialect = _settings(repo)
    checks = []
    for update in updates:
        if update.deletes:
            continue  # deleting a remote branch loses nothing the notes do not keep
        name = _migration_ref(update, prefix)
        if name is not None:
            checks.append(check_update(repo, update, name, dialect))
    report = HookReport(remote, tuple(checks))
    if report.blocked or not checks or not remote or env.get(NESTED_ENV):
        return report  # `git migrate push` pushes the notes itself, atomically
    pushed_here = frozenset(u.remote_ref for u in updates)
    return HookReport(remote, tuple(checks), sync_notes(repo, remote, pushed_here))
