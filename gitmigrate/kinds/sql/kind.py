"""The sql kind: steps of up.sql, down.sql (or `irreversible = "reason"`) and optional verify.sql.

This module is the kind's face and imports nothing heavy: read-only commands (`log`, `status`)
check every step through it without loading sqlalchemy or the linter. Its parts: authoring and
checks here, the note and pre-run impact in note.py, running the scripts in run.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gitmigrate.core.authoring import SqlSource
from gitmigrate.core.model import Step
from gitmigrate.engine.description import Description
from gitmigrate.engine.kinds import (
    AuthorRequest,
    Checkpoint,
    Compensator,
    Finding,
    Impact,
    Kind,
    Problem,
    PushChecker,
    RowCounts,
    StepContext,
    StepFiles,
    TargetSort,
    Work,
)
from gitmigrate.errors import UsageError
from gitmigrate.kinds.sql.compensation import SqlCompensator

_CONCURRENTLY = re.compile(r"\bCONCURRENTLY\b", re.IGNORECASE)

# The heavy parts (sqlglot, sqlalchemy) are imported inside the methods that need them, for the
# reason in the module docstring; none of these imports is there to break a cycle.


class SqlKind:
    name = "sql"
    target_sort: TargetSort = "database"
    chunked = False
    compensator: Compensator | None = SqlCompensator()  # undoes DDL that commits by itself
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        """Options `up`, `down`, `verify` (SqlSource or SQL text) and `options` (step.toml
        [options]): every script is validated for the dialect before anything is committed;
        dialect "any" (portable SQL) for every dialect. `generated_by` ("schema diff"): the
        lint rules the generated up.sql cannot avoid are allowed in step.toml, with why."""
        from gitmigrate.sql.dialects import ANY_DIALECT, DIALECTS
        from gitmigrate.sql.parse import validate_sql

        dialects = DIALECTS if request.dialect == ANY_DIALECT else (request.dialect,)
        up, down, verify = (_source(request.options.get(k), k) for k in ("up", "down", "verify"))
        if up is None:
            raise UsageError("a SQL step needs its forward SQL", "pass --up FILE")
        if (down is None) == (request.irreversible is None):
            raise UsageError(
                "a SQL step needs exactly one of --down FILE and --irreversible REASON",
                "give the rollback SQL, or say why no rollback can exist",
            )
        options: dict[str, Any] = dict(request.options.get("options") or {})
        files: dict[str, bytes] = {}
        needs_autocommit = False
        for fname, source in (("up.sql", up), ("down.sql", down), ("verify.sql", verify)):
            if source is not None:
                for dialect in dialects:
                    statements = validate_sql(source.text, dialect, source.origin)
                    needs_autocommit |= dialect == "postgresql" and any(
                        _CONCURRENTLY.search(s.text) for s in statements
                    )
                files[fname] = source.text.encode()
        if needs_autocommit:
            # PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction block
            options["transaction"] = False
        generated_by = request.options.get("generated_by")
        if isinstance(generated_by, str) and request.dialect in DIALECTS:
            from gitmigrate.lint.generated import allowances

            transactional = options.get("transaction", True) is not False
            allowed = allowances(up.text, request.dialect, transactional=transactional,
                                 by=generated_by)  # fmt: skip
            if allowed:  # no safe form: accepted in step.toml with the reason review shows
                options["allow"] = sorted(set(options.get("allow", ())) | set(allowed))
                options["allow_reasons"] = allowed
        return StepFiles(files, options, request.irreversible, {"dialect": request.dialect})

    def check(self, step: Step) -> list[Problem]:
        required = ["up.sql"] + ([] if step.irreversible else ["down.sql"])
        return [
            Problem(
                f"step {step.id}: {step.path}/{fname} is missing",
                f"restore it with `git checkout {step.commit or '<step commit>'}"
                f" -- {step.path}/{fname}`",
            )
            for fname in required
            if fname not in step.files
        ]

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        """A step written for another dialect than the target's is refused before a run; one
        that says `dialect = "any"` must parse for the target's (kinds/sql/dialect_check.py)."""
        from gitmigrate.kinds.sql.dialect_check import target_problems

        return target_problems(step, dialect)

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        """`impact` per direction and the `lint` findings; nothing without a dialect."""
        if not dialect:
            return {}
        from gitmigrate.kinds.sql.note import sql_impact
        from gitmigrate.lint.engine import lint_step

        return {
            "dialect": dialect,
            "impact": sql_impact(step, dialect, table_rows),
            "lint": [f.to_json() for f in lint_step(step, dialect)],
        }

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        """One operation per up.sql statement."""
        from gitmigrate.kinds.sql.note import classified

        pairs = classified(step.text("up.sql") or "", dialect)
        return Work(tuple(info.operation for _, info in pairs), rows)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        from gitmigrate.lint.engine import blocking, lint_step
        from gitmigrate.lint.model import LintOptions

        # a rule accepted in the step itself (`allow = [...]` in step.toml, reviewed with it)
        accepted = frozenset(str(r) for r in step.options.get("allow", ()))
        found = lint_step(step, dialect, LintOptions(allow=allow | accepted), directions=("up",))
        return [Finding("error", f.rule, f.message, f.line) for f in blocking(found)]

    def analyze(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.sql.note import analyze_direction

        return analyze_direction(step, "up", dialect)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        from gitmigrate.kinds.sql.note import analyze_direction

        return analyze_direction(step, "down", dialect)

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        from gitmigrate.kinds.sql.describe import describe_sql

        return describe_sql(step, dialect, note)

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        from gitmigrate.kinds.sql.run import run_script

        yield from run_script(step, "up.sql", ctx)

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        from gitmigrate.kinds.sql.run import run_script

        yield from run_script(step, "down.sql", ctx)

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        from gitmigrate.kinds.sql.run import verify_step

        return verify_step(step, ctx)


def _source(value: object, name: str) -> SqlSource | None:
    """A script given as SqlSource, or as SQL text (from the API or `add sql --option`)."""
    if value is None or isinstance(value, SqlSource):
        return value
    if isinstance(value, str):
        return SqlSource(value, f"{name}.sql")
    raise UsageError(f"the {name} script must be SQL text, not {value!r}"[:200], "pass SQL")


_CONTRACT: type[Kind] = SqlKind  # mypy checks that the class satisfies the protocol
