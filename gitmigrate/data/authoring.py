"""`data add` and `data copy`: check everything that can be checked, then commit one data step.

Expressions and filters are parsed for the dialect (sqlglot); with a target the table, its key
and every expression are also tried against the live database (`WHERE 1 = 0`, so nothing is
read or changed). A failure leaves no commit behind.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.data.copy_check import check_copy_source
from gitmigrate.data.keyset import escape_colons
from gitmigrate.data.options import DataOptions, options_of
from gitmigrate.data.transform import load_transform, parse_spec
from gitmigrate.db.url import has_password
from gitmigrate.engine.authoring import author_step
from gitmigrate.engine.kinds import AuthorRequest, StepFiles
from gitmigrate.errors import UsageError

NO_BACKUP = "no before-images kept (--no-backup)"
CLEANUP_SOURCE = "source rows are deleted once verified (--cleanup-source)"


def add_data_step(
    repo: GitRepo,
    *,
    summary: str,
    options: DataOptions,
    dialect: str | None = None,
    target: str | None = None,
    check_files: dict[str, Path] | None = None,
) -> Step:
    """Validate `options` (and the transform / rules files named on the command line) and
    commit the step through the data kind's `author`. `check_files` maps
    pre_checks/post_checks to local rules files."""
    return author_step(
        repo,
        "data",
        summary,
        {"data": options, "target": target, "check_files": check_files or {}},
        dialect=dialect,
    )


def author_data(request: AuthorRequest) -> StepFiles:
    """The data kind's authoring: every check first (expressions parsed, files loaded, the
    live target tried when given), then the files and options of the step."""
    options = request.options.get("data")
    if not isinstance(options, DataOptions):
        options = options_of("(new)", dict(options or {}))
    if options.mode == "subset":  # data/subset/authoring.py: the closure, masking, the plan
        from gitmigrate.data.subset.authoring import author_subset

        return author_subset(request, options)
    target = request.options.get("target")
    check_files: dict[str, Path] = dict(request.options.get("check_files") or {})
    config, chosen = request.config, request.dialect
    files: dict[str, bytes] = {}
    copy_notes: dict[str, list[str]] = {}
    if options.mode == "set":
        _parse_expressions(options, chosen)
    elif options.mode == "transform":
        options, body = _transform_file(options, config.root)
        files[Path(options.transform or "").name.split(":")[0]] = body
    else:
        _check_copy(options)
        # the source answers, its tables and keys fit; what each target dialect gets
        copy_notes = check_copy_source(config, options)
    for option, path in check_files.items():
        stored = f"{option.replace('_', '-')}{path.suffix}"
        files[stored] = _rules_file(path)
        if option == "pre_checks":
            options = replace(options, pre_checks=stored)
        else:
            options = replace(options, post_checks=stored)
    triggers: dict[str, list[str]] = {}
    if target is not None and options.mode != "copy":
        options, triggers = _check_against_target(config, str(target), options, chosen)
    irreversible = None
    if not options.backup and options.mode != "copy":
        irreversible = NO_BACKUP
    if options.cleanup_source:
        irreversible = CLEANUP_SOURCE
    toml = options.to_toml()
    if triggers:  # seen on the target: the note and plan say what its rollback cannot restore
        toml["update_triggers"] = triggers
    if copy_notes:  # the note and plan list the mappings and losses of the copy
        toml["copy_notes"] = copy_notes
    return StepFiles(files, toml, irreversible, {"dialect": chosen})


def _parse_expressions(options: DataOptions, dialect: str) -> None:
    from gitmigrate.sql.parse import validate_sql

    table = "t"
    for column, expression in options.assignments:
        validate_sql(f"SELECT {expression} FROM {table}", dialect, f"--set {column}", strict=True)
    if options.where:
        validate_sql(
            f"SELECT 1 FROM {table} WHERE {options.where}", dialect, "--where", strict=True
        )


def _transform_file(options: DataOptions, root: Path) -> tuple[DataOptions, bytes]:
    path_text, function = parse_spec(options.transform or "")
    path = Path(path_text)
    if not path.is_absolute() and not path.exists():
        path = root / path
    if not path.is_file():
        raise UsageError(
            f"the transform file {path_text} does not exist",
            "give its path relative to the current directory or the repository root",
        )
    body = path.read_bytes()
    load_transform(body.decode("utf-8-sig"), str(path), function, root)  # imports, signature
    return replace(options, transform=f"{path.name}:{function}"), body


def _rules_file(path: Path) -> bytes:
    from gitmigrate.data.rules import load_rules

    load_rules(path)  # a broken rules file is refused now, not at apply time
    return path.read_bytes()


def _check_copy(options: DataOptions) -> None:
    if not options.tables and not options.all_tables:
        raise UsageError("say what to copy", "pass --table T (repeatable) or --all")
    if options.tables and options.all_tables:
        raise UsageError("--table and --all exclude each other", "pass one of them")
    if options.cleanup_source and options.where:
        raise UsageError(
            "--cleanup-source with --where is not supported",
            "copy the filtered rows first, verify, then delete them from the source with a step",
        )
    if options.source and has_password(options.source):
        raise UsageError(
            "the source URL contains a password, which would be committed to git",
            "name a target from .gitmigrate.toml, or write the password as ${ENV_VAR}",
        )


def _check_against_target(
    config: Any, target: str, options: DataOptions, dialect: str
) -> tuple[DataOptions, dict[str, list[str]]]:
    """Resolve the table and its key on the live target and try each expression there; the
    table's UPDATE triggers, by name, with the columns they set."""
    from sqlalchemy import text

    from gitmigrate.data.table import load_table
    from gitmigrate.data.triggers import as_record, update_triggers
    from gitmigrate.engine.target import open_database_target

    opened = open_database_target(config, target, "read")
    try:
        with opened.engine.connect() as conn:
            table = load_table(conn, opened.dialect, options.table or "", options.key or None)
            for column, expression in options.assignments:
                table.column(column)
                conn.execute(
                    text(f"SELECT {escape_colons(expression)} FROM {table.quoted} WHERE 1 = 0")
                )
            if options.where:
                conn.execute(
                    text(
                        f"SELECT 1 FROM {table.quoted} WHERE ({escape_colons(options.where)})"
                        " AND 1 = 0"
                    )
                )
            for column in options.columns:
                table.column(column)
            triggers = as_record(update_triggers(conn, opened.dialect, table.name))
    except UsageError:
        raise
    except Exception as exc:
        from gitmigrate.engine.attempt import short as _short

        raise UsageError(
            f"the step does not run on {opened.name}: {_short(exc)}",
            "fix --set/--where (they are SQL of the target's dialect) and add the step again",
        ) from exc
    finally:
        opened.engine.dispose()
    return replace(options, table=table.name, key=table.key), triggers
