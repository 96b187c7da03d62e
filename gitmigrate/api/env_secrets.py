"""`git migrate env secrets check [FROM [TO]]` and `env secrets copy FROM TO [--name N]...`:
which secret names environments need and have (gitmigrate/envs/secrets.py says what "has"
means), and copying values from one to another, re-encrypted for the second's keys
(envs/secrets_copy.py), committed as a config step on the current migration branch: reviewable
like any step, and reversible (its rollback is the inverse commit). No value is ever printed,
logged, stored in plain text or put in a result.

    api.env_secrets_check(repo, a="prod", b="staging").copyable
    api.env_secrets_copy(repo, source="prod", target="staging", names=["DB_PASSWORD"])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.errors import UsageError

if TYPE_CHECKING:
    from gitmigrate.core.config import ProjectConfig
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.model import Step
    from gitmigrate.envs.secrets import SecretsCheck
    from gitmigrate.envs.secrets_copy import CopyPlan


def env_secrets_check(repo: RepoLike = None, *, a: str | None = None,
                      b: str | None = None) -> SecretsCheck:  # fmt: skip
    """The secrets of `a` (and `b` beside it, with what `b` could copy from `a`); neither
    given: every environment. Reads no value and needs no key."""
    from gitmigrate.core.config import load_config
    from gitmigrate.envs.secrets import SecretsCheck, env_secrets

    git = open_repo(repo)
    config = load_config(git)
    if a is None and b is not None:
        raise UsageError("give FROM before TO", "git migrate env secrets check FROM TO")
    names = [n for n in (a, b) if n is not None] or sorted(config.environments)
    if not names:
        raise UsageError("no environments to check",
                         "add [environments.NAME] tables to .gitmigrate.toml")  # fmt: skip
    return SecretsCheck(tuple(env_secrets(git.root, config.environment(n)) for n in names))


@dataclass(frozen=True)
class SecretsCopy:
    """The committed step and what it copied, by name (never a value)."""

    source: str
    target: str
    file: str
    names: tuple[str, ...]
    created: bool
    replaced: tuple[str, ...]
    step: Step

    def to_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "file": self.file,
                "names": list(self.names), "created": self.created,
                "replaced": list(self.replaced), "step": self.step.id,
                "commit": self.step.commit}  # fmt: skip


def env_secrets_copy(
    repo: RepoLike = None, *, source: str, target: str, names: Sequence[str] = (),
    yes: bool = False, summary: str | None = None,
) -> SecretsCopy:  # fmt: skip
    """Copy `names` (default: every name `target` needs and lacks that `source` has) from
    `source`'s encrypted config to `target`'s, re-encrypted for `target`'s keys, as a config
    step on the current migration branch. Replacing a value `target` has needs `yes`."""
    from gitmigrate.core.authoring import current_migration_name
    from gitmigrate.core.config import load_config
    from gitmigrate.envs.secrets import env_secrets
    from gitmigrate.envs.secrets_copy import plan_copy, source_values

    git = open_repo(repo)
    config = load_config(git)
    if source == target:
        raise UsageError(f"FROM and TO are both {source!r}", "name two environments")
    from_env, to_env = config.environment(source), config.environment(target)
    current_migration_name(git, config)  # not on a migration branch: refused before any work
    have, want = env_secrets(git.root, from_env), env_secrets(git.root, to_env)
    chosen = list(dict.fromkeys(names)) or [n for n in want.missing if n in have.has]
    if not chosen:
        raise UsageError(
            f"nothing to copy: {target!r} lacks none of the names {source!r} has",
            "name what to copy with --name NAME (see `git migrate env secrets check"
            f" {source} {target}`)",
        )
    replacing = [n for n in chosen if n in want.has]
    if replacing and not yes:
        raise UsageError(
            f"{target!r} has {', '.join(replacing)} already; copying replaces its value",
            "pass --yes to replace it, or leave --name out for the names it lacks",
        )
    plan = plan_copy(git.root, want, to_env, source_values(git.root, have, from_env, chosen))
    text = summary or f"copy secrets {', '.join(chosen)} from {source} to {target}"
    step = _commit(git, config, plan, text)
    return SecretsCopy(source, target, plan.file, tuple(chosen), plan.created, plan.replaced, step)


def _commit(git: GitRepo, config: ProjectConfig, plan: CopyPlan, summary: str) -> Step:
    """The copy as a config step: op encrypt of the copied key paths of the file, for its
    recipients. Its commit is the change (ciphertext only), its rollback the inverse commit,
    and the config kind's verify checks that the file is encrypted."""
    from gitmigrate.core.authoring import commit_step, current_migration_name, resolve_dialect
    from gitmigrate.files.keypath import format_key
    from gitmigrate.kinds.config.changes import CHANGES_FILE, KeyChange, dump

    age, pgp = plan.recipients
    keys = "^(" + "|".join(_escaped(format_key(p)) for _, p in plan.names) + ")$"
    options: dict[str, Any] = {"op": "encrypt", "file": plan.file, "keys": keys}
    if age:
        options["age"] = list(age)
    if pgp:
        options["pgp"] = list(pgp)
    what = "added (encrypted)" if plan.created else "set (encrypted)"
    changes = [KeyChange(plan.file, format_key(p), what) for _, p in plan.names]
    return commit_step(
        git, config, current_migration_name(git, config), {"kind": "config", "summary": summary},
        {CHANGES_FILE: dump(changes, ())}, options, None, resolve_dialect(config, None),
        project_files={plan.file: plan.content},
    )  # fmt: skip


def _escaped(key: str) -> str:
    import re

    return re.escape(key)
