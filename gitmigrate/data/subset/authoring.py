"""Writing a subset step: `--from`/`--to` resolved (an environment's target, or a target name
or URL), the masking rules file copied into the step, the closure computed once on the source
so that every bad input (a root that does not parse or selects nothing, a table without a key,
a cycle with no nullable edge, a rule for a missing column) is refused before anything is
committed, and its plan (tables, rows per table, broken keys, masking rules by name) stored in
the step as `subset-plan.json`, which the note, `plan` and `review` show.

The masking key is never stored: only the name of the variable holding it (`mask_key_env`),
by default the target environment's `mask_key`, else GITMIGRATE_MASK_KEY.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from gitmigrate.core.config import Environment, ProjectConfig
from gitmigrate.data.options import DataOptions
from gitmigrate.data.subset.compute import DEFAULT_KEY_ENV, compute, keep_for_apply, mask_rules
from gitmigrate.data.subset.names import target_names
from gitmigrate.db.url import has_password, redact_url
from gitmigrate.engine.kinds import AuthorRequest, StepFiles
from gitmigrate.errors import UsageError

PLAN_FILE = "subset-plan.json"
MASK_FILE = "mask.toml"


def resolve_end(config: ProjectConfig, value: str, flag: str) -> tuple[str, Environment | None]:
    """`--from`/`--to`: an environment's target (with the environment), or a target name or
    URL as given (an unknown name is a UsageError listing those there are)."""
    env = config.environments.get(value)
    if env is not None:
        if not env.target:
            raise UsageError(
                f"{flag} {value}: environment {value!r} names no database target",
                f'add target = "NAME" to [environments.{value}] in .gitmigrate.toml',
            )
        value = env.target
    if "://" not in value and value not in config.targets:
        known = sorted({*config.targets, *config.environments}) or ["none"]
        raise UsageError(
            f"{flag} {value!r} is neither an environment nor a target",
            f"environments and targets: {', '.join(known)}; or give a database URL",
        )
    return value, env


def mask_key_env(env: Environment | None) -> str:
    return (env.mask_key if env is not None else None) or DEFAULT_KEY_ENV


def author_subset(request: AuthorRequest, options: DataOptions) -> StepFiles:
    """Every check, then the step's files: the rules file, the plan, the options."""
    from gitmigrate.engine.target import open_database_target

    config = request.config
    if options.source and has_password(options.source):
        raise UsageError(
            "the source URL contains a password, which would be committed to git",
            "name a target or environment from .gitmigrate.toml, or write it as ${ENV_VAR}",
        )
    if not options.roots and options.percent is None:
        raise UsageError(
            "say where the subset starts",
            'pass --root "TABLE [WHERE ...]", or --percent P to sample every table of the default schema',
        )
    files: dict[str, bytes] = {}
    mask_path = request.options.get("mask_file")
    rules_text = None
    if mask_path is not None:
        path = Path(mask_path)
        if not path.is_file():
            raise UsageError(
                f"the masking rules file {path} does not exist",
                "give its path relative to the current directory",
            )
        files[MASK_FILE] = path.read_bytes()
        rules_text = files[MASK_FILE].decode("utf-8-sig")
        options = replace(options, mask=MASK_FILE)
    opened = open_database_target(config, options.source, "read")
    try:
        with opened.engine.connect() as source:
            computed = compute(source, options)
            keep_for_apply(options, computed)
            rules = mask_rules(rules_text, str(mask_path), computed) if rules_text else None
    finally:
        opened.engine.dispose()
    if rules is not None and mask_path is not None:
        files.update(_function_files(rules, Path(mask_path).parent))
    target = request.options.get("target")
    dialect = _target_dialect(config, target, request.dialect)
    names = target_names([t.source for t in computed.closure.tables], dialect, options.schema_map)
    if isinstance(target, str):
        _refuse_existing_tables(config, target, list(names.values()))
    plan: dict[str, Any] = {
        "source": options.source,
        "target": redact_url(target) if isinstance(target, str) else None,  # never a password
        "target_dialect": dialect,
        "roots": list(options.roots),
        "percent": options.percent,
        "follow": list(options.follow),
        "tables": [
            {"source": t.source.label, "target": names[t.source].label, "rows": t.rows}
            for t in computed.closure.tables
        ],
        "rows": computed.closure.total_rows,
        "broken": [e.label for e in computed.closure.broken],
        "masking": list(rules.names()) if rules is not None else [],
        "mask_key_env": options.mask_key_env if options.mask else None,
    }
    files[PLAN_FILE] = (json.dumps(plan, indent=2, sort_keys=True) + "\n").encode()
    return StepFiles(files, options.to_toml(), None, {"dialect": request.dialect})


def _function_files(rules: Any, beside: Path) -> dict[str, bytes]:
    """The Python files of `python` rules, which live beside the rules file: copied into the
    step with it, so the apply finds them there (the masking resolves them against the step
    directory)."""
    found: dict[str, bytes] = {}
    for rule in rules.rules:
        if rule.method != "python" or not rule.function:
            continue
        name = rule.function.rpartition(":")[0]
        path = beside / name
        if not path.is_file() or Path(name).is_absolute() or ".." in Path(name).parts:
            raise UsageError(
                f"mask rule {rule.label}: {name} is not a file beside the rules file",
                f"put {Path(name).name} in {beside}, and name it relative to the rules file",
            )
        found[Path(name).as_posix()] = path.read_bytes()
    return found


def _refuse_existing_tables(config: ProjectConfig, target: str, names: list[Any]) -> None:
    """A table of the subset that already exists on the target is refused now (exit 2, no
    commit), not when the step is applied. A target that cannot be opened yet (a SQLite file
    apply will create) has none."""
    from sqlalchemy import inspect

    from gitmigrate.engine.target import open_database_target
    from gitmigrate.errors import GitMigrateError

    try:
        opened = open_database_target(config, target, "read")
    except GitMigrateError:
        return  # apply says why, if it still cannot
    try:
        with opened.engine.connect() as conn:
            inspector = inspect(conn)
            schemas = {s.lower() for s in inspector.get_schema_names()}
            for name in names:
                if name.schema is not None and name.schema.lower() not in schemas:
                    continue
                if inspector.has_table(name.name, schema=name.schema):
                    raise UsageError(
                        f"table {name.label} already exists on {opened.name}; a subset fills"
                        " new tables only",
                        "drop it there, or load into another database or schema"
                        " (--schema-map SOURCE:TARGET)",
                    )
    finally:
        opened.engine.dispose()


def _target_dialect(config: ProjectConfig, target: object, fallback: str) -> str:
    from gitmigrate.db.url import dialect_name

    if not isinstance(target, str):
        return fallback
    return dialect_name(config.target(target).resolve_url())


def read_plan(step_text: str | None) -> dict[str, Any] | None:
    """The stored plan of a subset step (None when missing or unreadable)."""
    if not step_text:
        return None
    try:
        found = json.loads(step_text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
