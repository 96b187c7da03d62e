"""What one step's files say, without a database: its kind's Description (rollback, verify,
where it runs), SQL that does not parse, lint findings (errors named in the step's `allow` are
kept but marked allowed).

Describing a step loads its kind (SQLAlchemy, sqlglot: ~300 ms to import), parsing and linting
need sqlglot (~3 ms a step); the results depend only on the step's files and the dialect, so
they are cached under `.git/gitmigrate/cache/steps/` by step checksum. A push of an unchanged
100-step branch then imports neither a kind nor a parser.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate import __version__
from gitmigrate.core.findings import LintFinding
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.description import Description
from gitmigrate.errors import GitMigrateError

SYNTAX_RULE = "syntax-error"
_CACHE_FORMAT = "step-analysis-2"
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


def _store(path: Path, description: Description, analysis: Analysis) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        doc = {**analysis.to_json(), "description": description.review_json()}
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(doc, out, separators=(",", ":"))
        os.replace(tmp, path)
        entries = list(path.parent.glob("*.json"))
        if len(entries) > _KEEP:
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[: len(entries) - _KEEP]:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs speed


def examine(
    repo: GitRepo,
    step: Step,
    dialect: str,
    allow: frozenset[str],
    describe: Callable[[], Description],
) -> tuple[Description, Analysis]:
    """The step's Description (as the review keeps it) and its parse problems and lint
    findings, from the cache when the files are known; `describe` asks the kind otherwise.

    `allow` comes from step.toml, so the step checksum (the cache key) already covers it."""
    path = _cache_path(repo, step, dialect)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Description.from_review_json(doc["description"]), _from_json(doc)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    description = describe()
    analysis = _compute(step, dialect, allow, description) if description.analysed else Analysis()
    _store(path, description, analysis)
    return description, analysis


def _compute(step: Step, dialect: str, allow: frozenset[str], description: Description) -> Analysis:
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
    parse += _verify_problems(step, dialect) + _expression_problems(step, dialect, description)
    reasons = step.options.get("allow_reasons")
    reasons = reasons if isinstance(reasons, dict) else {}

    def message(rule: str, text: str, allowed: bool) -> str:
        """An allowed finding says why the step accepts it (generated steps record it)."""
        reason = reasons.get(rule) if allowed else None
        return f"{text} (allowed in step.toml: {reason})" if reason else text

    lint = tuple(
        Finding(f.rule, f.severity, f.line, f.column, f.statement,
                message(f.rule, f.message, f.allowed), f.fix, f.file, f.allowed)
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


def _expression_problems(step: Step, dialect: str, description: Description) -> list[ParseProblem]:
    """SQL a kind builds from the step's options (a data step's `set` items and `where`
    filter, as the statements they become), checked as written."""
    from gitmigrate.sql.parse import validate_sql

    problems = []
    for label, sql in description.expressions:
        try:
            validate_sql(sql, dialect, label, strict=True)
        except GitMigrateError as exc:
            detail = getattr(exc, "detail", exc.message)
            problems.append(ParseProblem(f"{step.path}/step.toml", 1, 1, f"{label}: {detail}"))
    return problems
