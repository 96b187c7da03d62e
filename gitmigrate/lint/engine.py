"""Run the rules over a script or a step: the public entry points of the linter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from gitmigrate.core.model import Step
from gitmigrate.errors import UsageError
from gitmigrate.lint.ignores import Directives, read_directives, silenced
from gitmigrate.lint.model import LintFinding, LintOptions, Rule
from gitmigrate.lint.registry import NOT_LINTED, SYNTAX_ERROR, UNKNOWN_IGNORE, all_rules, resolve
from gitmigrate.lint.state import Context, FileState
from gitmigrate.lint.statement import Stmt, read_statements
from gitmigrate.sql.dialects import normalize_dialect

TRANSACTIONAL_DDL = ("sqlite", "postgresql")
# A rollback exists to undo: dropping what up.sql created and renaming back are its purpose.
DOWN_EXEMPT = frozenset({"dropping-table", "dropping-column", "renaming-table", "renaming-column"})


def _ids(ids: frozenset[str], what: str) -> frozenset[str]:
    ours, unknown = resolve(ids)
    if unknown:
        raise UsageError(
            f"unknown lint rule id(s) for {what}: {', '.join(sorted(unknown))}",
            "see docs/lint-rules.md for our ids (Squawk ids are accepted too)",
        )
    return ours


def active_rules(dialect: str, options: LintOptions) -> list[Rule]:
    include, exclude = _ids(options.include, "include"), _ids(options.exclude, "exclude")
    return [
        rule
        for rule in all_rules().values()
        if dialect in rule.dialects
        and (not rule.opt_in or rule.id in include)
        and rule.id not in exclude
    ]


def _finding(rule: Rule, stmt: Stmt, message: str, fix: str | None, file: str) -> LintFinding:
    return LintFinding(
        rule.id, rule.severity, stmt.line, stmt.column, stmt.head, message, fix or rule.fix, file
    )


def _run(
    statements: list[Stmt], dialect: str, options: LintOptions, directives: Directives, file: str
) -> list[LintFinding]:
    assumed = options.assume_in_transaction and not directives.no_transaction
    state = FileState(assumed=assumed, empty=options.empty_tables)
    ctx = Context(dialect, options, state, tuple(statements))
    engine_made = (SYNTAX_ERROR, NOT_LINTED, UNKNOWN_IGNORE)
    rules = [r for r in active_rules(dialect, options) if r not in engine_made]
    found = []
    for stmt in statements:
        for rule in rules:
            found += [_finding(rule, stmt, h.message, h.fix, file) for h in rule.check(stmt, ctx)]
        state.observe(stmt)
    return found


def lint_sql(
    sql: str, dialect: str, *, options: LintOptions | None = None, file: str = "<sql>"
) -> list[LintFinding]:
    """Findings for one SQL script, sorted by position. Never raises for bad SQL: a malformed
    statement is a `syntax-error` finding (and then nothing else is checked); one our parser
    cannot read is a `not-linted` note, and the rules go on with the others."""
    dialect = normalize_dialect(dialect)
    options = options or LintOptions()
    allow = _ids(options.allow, "allow")
    directives = read_directives(sql)
    statements, problems, unread = read_statements(sql, dialect, file)
    if problems:
        found = [
            LintFinding(SYNTAX_ERROR.id, "error", p.line, p.column, p.head,
                        f"does not parse: {p.detail}", SYNTAX_ERROR.fix, file)
            for p in problems
        ]  # fmt: skip
    else:
        found = _run(statements, dialect, options, directives, file)
        if NOT_LINTED.id not in _ids(options.exclude, "exclude"):
            found += [
                LintFinding(NOT_LINTED.id, NOT_LINTED.severity, u.line, u.column, u.head,
                            f"not linted: our parser cannot read it ({u.reason})",
                            NOT_LINTED.fix, file)
                for u in unread
            ]  # fmt: skip
    per_statement = directives.statement_rules([s.line for s in statements])
    whole_file = directives.file_rules()
    kept = [
        f
        for f in found
        if not silenced(f.rule, whole_file)
        and not silenced(f.rule, per_statement.get(f.line, frozenset()))
    ]
    if UNKNOWN_IGNORE.id not in _ids(options.exclude, "exclude"):
        for ignore in directives.ignores:
            if ignore.unknown and not silenced(UNKNOWN_IGNORE.id, whole_file):
                kept.append(LintFinding(
                    UNKNOWN_IGNORE.id, UNKNOWN_IGNORE.severity, ignore.line, ignore.column, "",
                    f"unknown rule id(s) in ignore comment: {', '.join(sorted(ignore.unknown))}",
                    UNKNOWN_IGNORE.fix, file,
                ))  # fmt: skip
    kept = [replace(f, allowed=True) if f.rule in allow and f.severity == "error" else f
            for f in kept]  # fmt: skip
    return sorted(kept, key=lambda f: (f.line, f.column, f.rule))


def runs_in_transaction(step: Step, dialect: str) -> bool:
    """Whether the engine wraps this step in a transaction (transactional DDL, not opted out)."""
    return dialect in TRANSACTIONAL_DDL and step.options.get("transaction", True) is not False


def lint_step(
    step: Step,
    dialect: str,
    options: LintOptions | None = None,
    *,
    directions: Iterable[str] = ("up", "down"),
) -> list[LintFinding]:
    """Findings for a SQL step's up.sql and down.sql (`directions` picks). Whether the file
    runs inside a transaction comes from the step (`transaction = false` in step.toml), not
    from `options`. down.sql is not checked for the drops and renames in `DOWN_EXEMPT`: undoing
    up.sql is what it is for. Steps without SQL files have no findings."""
    dialect = normalize_dialect(dialect)
    options = replace(options or LintOptions(),
                      assume_in_transaction=runs_in_transaction(step, dialect))  # fmt: skip
    found: list[LintFinding] = []
    for direction in directions:
        text = step.text(f"{direction}.sql")
        if text is None:
            continue
        chosen = options
        if direction == "down":
            chosen = replace(options, exclude=options.exclude | DOWN_EXEMPT)
        found += lint_sql(text, dialect, options=chosen, file=f"{step.path}/{direction}.sql")
    return found


def blocking(findings: Iterable[LintFinding]) -> list[LintFinding]:
    """The findings that block `apply`: errors not allowed with --allow."""
    return [f for f in findings if f.blocking]
