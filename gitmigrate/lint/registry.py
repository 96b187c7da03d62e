"""Every rule, by id, from an explicit list of rule modules; and the Squawk-id translation.

Adding a rule family means writing one module under `rules/` and naming it in `_MODULES`.
`mapping.tsv` (next to this file) maps each Squawk and Bytebase rule id to ours; it is also what
lets `-- squawk-ignore ban-drop-column` silence our `dropping-column`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from importlib import resources

from gitmigrate.lint.model import ALL_DIALECTS, Hit, Rule
from gitmigrate.lint.rules import (
    adding_columns,
    constraints,
    dml,
    drops_renames,
    indexes,
    locking,
    mysql_online,
    mysql_tables,
    robust,
    structure,
    transactions,
    types,
)
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt

_MODULES = (
    adding_columns, constraints, indexes, transactions, drops_renames, types, locking,
    robust, structure, dml, mysql_online, mysql_tables,
)  # fmt: skip


def _engine_made(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    """Reported by the engine itself, not per statement."""
    return iter(())


SYNTAX_ERROR = Rule(
    id="syntax-error",
    severity="error",
    dialects=ALL_DIALECTS,
    summary="A statement is malformed in every dialect (unterminated quote, unbalanced "
    "parentheses, empty list item, BEGIN without END, psql meta-command); the file's other "
    "rules are not checked.",
    why="The database would refuse the statement, so the step cannot apply.",
    fix="Fix the statement at the reported line and column.",
    check=_engine_made,
)
NOT_LINTED = Rule(
    id="not-linted",
    severity="info",
    dialects=ALL_DIALECTS,
    summary="A statement our SQL parser (sqlglot) cannot read; rules saw only its words.",
    why="Valid SQL is never refused for our parser's gaps: the server checks the statement at "
    "`apply --dry-run` (PostgreSQL, inside the rolled-back transaction); on MariaDB, where DDL "
    "commits, nothing checks it before the real apply.",
    fix="Nothing to fix when the server accepts it; review the statement by eye.",
    check=_engine_made,
)
UNKNOWN_IGNORE = Rule(
    id="unknown-ignore",
    severity="warning",
    dialects=ALL_DIALECTS,
    summary="A -- gitmigrate-ignore / -- squawk-ignore comment names a rule id nobody knows.",
    why="A misspelt id silences nothing, so the finding it was meant for still shows (or "
    "the comment is stale).",
    fix="Use an id from `docs/lint-rules.md` (or a Squawk id listed in docs/lint-mapping.md).",
    check=_engine_made,
)


@cache
def all_rules() -> dict[str, Rule]:
    rules = [SYNTAX_ERROR, NOT_LINTED, UNKNOWN_IGNORE]
    for module in _MODULES:
        rules.extend(module.RULES)
    by_id = {rule.id: rule for rule in rules}
    assert len(by_id) == len(rules), "duplicate rule id"
    return by_id


@cache
def mapping() -> tuple[tuple[str, str, tuple[str, ...], str], ...]:
    """Rows of mapping.tsv: (source, source_id, our ids, note)."""
    text = resources.files("gitmigrate.lint").joinpath("mapping.tsv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        ours = tuple(i.strip() for i in row["our_id"].split(",") if i.strip())
        rows.append((row["source"], row["source_id"], ours, row["note"]))
    return tuple(rows)


@cache
def squawk_ids() -> dict[str, tuple[str, ...]]:
    """Squawk rule id (and the ids it reports as) -> our rule ids (empty: not applicable)."""
    found: dict[str, tuple[str, ...]] = {}
    for source, source_id, ours, _note in mapping():
        if source == "squawk":
            found[source_id] = ours
    found.setdefault("prefer-timestamp-tz", found.get("prefer-timestamptz", ()))
    return found


def resolve(ids: frozenset[str] | set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(our ids, unknown ids) for ids given as ours or as Squawk's."""
    rules = all_rules()
    ours: set[str] = set()
    unknown: set[str] = set()
    for rule_id in ids:
        if rule_id in rules:
            ours.add(rule_id)
        elif rule_id in squawk_ids():
            ours.update(squawk_ids()[rule_id])
        else:
            unknown.add(rule_id)
    return frozenset(ours), frozenset(unknown)
