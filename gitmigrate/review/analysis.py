"""What one step's files say, without a database: its rollback, its verify, SQL that does not
parse, lint findings (errors named in the step's `allow` are kept but marked allowed).

Parsing and linting need sqlglot (~200 ms to import, ~3 ms a step); their results depend only
on the step's files and the dialect, so they are cached under `.git/gitmigrate/cache/steps/`
by step checksum. A push of an unchanged 100-step branch then imports no parser at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate import __version__
from gitmigrate.core.findings import LintFinding
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.errors import GitMigrateError

# kinds whose commit is the change: rollback is the inverse of that commit's diff (DESIGN.md)
REPO_KINDS = frozenset({"code", "config", "api", "platform"})
SYNTAX_RULE = "syntax-error"
_CACHE_FORMAT = "step-analysis-1"
_KEEP = 5000


# a lint finding as cached: the linter's own value type, from a module that imports no parser
Finding = LintFinding


@dataclass(frozen=True)
class ParseProblem:
    file: str
    line: int
    column: int
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "detail": self.detail}


@dataclass(frozen=True)
class Analysis:
    """Parse problems and lint findings of a step's SQL; `allow_error` names bad `allow` ids."""

    parse: tuple[ParseProblem, ...] = ()
    lint: tuple[Finding, ...] = ()
    allow_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "parse": [p.to_json() for p in self.parse],
            "lint": [f.to_json() for f in self.lint],
            "allow_error": self.allow_error,
        }


def rollback_of(step: Step) -> str | None:
    """How the step is undone, in words; None when it cannot be."""
    if step.kind == "data":
        from gitmigrate.data.naming import backup_table_name, copy_record_table_name

        if step.options.get("backup", True) is False:
            return None
        if step.options.get("mode", "set") == "copy":
            return (
                "removes what it copied: drops the tables it created, deletes the keys recorded "
                f"in {copy_record_table_name(step.id)} from tables that existed"
            )
        return f"restores the before-images (key + changed columns) kept in {backup_table_name(step.id)}"
    if step.kind in REPO_KINDS:
        return "the inverse of the step commit's diff"
    return "down.sql" if "down.sql" in step.files else None


def verify_of(step: Step) -> str | None:
    """The step's own check after apply: verify.sql, a data step's post-checks, or None."""
    if "verify.sql" in step.files:
        return "verify.sql"
    post = step.options.get("post_checks")
    if isinstance(post, str) and post in step.files:
        return post
    verify = step.options.get("verify")
    if isinstance(verify, str) and verify:
        return f"verify command: {verify}"
    return None


def _cache_path(repo: GitRepo, step: Step, dialect: str) -> Path:
    key = hashlib.sha256(
        "\n".join([__version__, _CACHE_FORMAT, step.checksum, dialect]).encode()
    ).hexdigest()[:32]
    return repo.git_dir / "gitmigrate" / "cache" / "steps" / f"{key}.json"


def _from_json(doc: dict[str, Any]) -> Analysis:
    return Analysis(
        parse=tuple(ParseProblem(**p) for p in doc["parse"]),
        lint=tuple(
            Finding(**{k: v for k, v in f.items() if k != "blocking"}) for f in doc["lint"]
        ),  # fmt: skip
        allow_error=doc.get("allow_error"),
    )


def _store(path: Path, analysis: Analysis) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(analysis.to_json(), out, separators=(",", ":"))
        os.replace(tmp, path)
        entries = list(path.parent.glob("*.json"))
        if len(entries) > _KEEP:
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[: len(entries) - _KEEP]:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs speed


def analyse(repo: GitRepo, step: Step, dialect: str, allow: frozenset[str]) -> Analysis:
    """The step's parse problems and lint findings, from the cache when the files are known.

    `allow` comes from step.toml, so the step checksum (the cache key) already covers it."""
    if not any(name.endswith(".sql") for name in step.files) and step.kind != "data":
        return Analysis()
    path = _cache_path(repo, step, dialect)
    try:
        return _from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    analysis = _compute(step, dialect, allow)
    _store(path, analysis)
    return analysis


def _compute(step: Step, dialect: str, allow: frozenset[str]) -> Analysis:
    from gitmigrate.lint.engine import lint_step
    from gitmigrate.lint.model import LintOptions
    from gitmigrate.lint.registry import resolve

    ours, unknown = resolve(allow)
    allow_error = None
    if unknown:
        allow_error = (
            f"{step.path}/step.toml: unknown lint rule id(s) in allow: {', '.join(sorted(unknown))}"
        )
    try:
        found = lint_step(step, dialect, LintOptions(allow=ours))
    except GitMigrateError as exc:  # an unknown dialect, say: report it, do not crash the hook
        return Analysis(parse=(ParseProblem(f"{step.path}/step.toml", 1, 1, exc.message),))
    parse = [
        ParseProblem(f.file, f.line, f.column, f.message.removeprefix("does not parse: "))
        for f in found
        if f.rule == SYNTAX_RULE
    ]
    parse += _verify_problems(step, dialect) + _data_expression_problems(step, dialect)
    lint = tuple(
        Finding(f.rule, f.severity, f.line, f.column, f.statement, f.message, f.fix, f.file,
                f.allowed)
        for f in found
        if f.rule != SYNTAX_RULE
    )  # fmt: skip
    return Analysis(tuple(parse), lint, allow_error)


def _verify_problems(step: Step, dialect: str) -> list[ParseProblem]:
    from gitmigrate.sql.parse import validate_sql

    text = step.text("verify.sql")
    if text is None:
        return []
    try:
        validate_sql(text, dialect, f"{step.path}/verify.sql")
    except GitMigrateError as exc:
        line, column = getattr(exc, "line", 1), getattr(exc, "column", 1)
        detail = getattr(exc, "detail", exc.message)
        return [ParseProblem(f"{step.path}/verify.sql", line, column, detail)]
    return []


def _quoted(name: str, dialect: str) -> str:
    """Quoted for the parser only (this text is validated, never executed): SQLAlchemy's
    preparer would cost its ~200 ms import in the hook."""
    mark = "`" if dialect == "mysql" else '"'
    return mark + name.replace(mark, mark * 2) + mark


def _data_expression_problems(step: Step, dialect: str) -> list[ParseProblem]:
    """A data step's `set` items and `where` filter, checked as the UPDATE they become."""
    from gitmigrate.sql.parse import validate_sql

    options = step.options
    sets, where, table = options.get("set"), options.get("where"), options.get("table")
    if step.kind != "data" or not isinstance(table, str) or not (sets or where):
        return []
    items = [str(s) for s in sets] if isinstance(sets, list) else []
    problems = []
    for label, sql in [
        *((f"[options] set item {i + 1} ({item!r})", f"UPDATE {_quoted(table, dialect)} SET {item}")
          for i, item in enumerate(items)),
        *(((f"[options] where ({where!r})", f"SELECT 1 FROM {_quoted(table, dialect)} WHERE {where}"),)
          if isinstance(where, str) else ()),
    ]:  # fmt: skip
        try:
            validate_sql(sql, dialect, label)
        except GitMigrateError as exc:
            detail = getattr(exc, "detail", exc.message)
            problems.append(ParseProblem(f"{step.path}/step.toml", 1, 1, f"{label}: {detail}"))
    return problems
