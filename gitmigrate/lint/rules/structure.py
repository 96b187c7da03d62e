"""Table structure: duplicate columns, identifier length, primary keys, schema names, merging."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from sqlglot import exp

from gitmigrate.lint.model import ALL_DIALECTS, MYSQL, PG, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import (
    Stmt,
    alter_actions,
    altered_table,
    created_table,
    index_table,
    table_name,
)
from gitmigrate.lint.whole_file import later_primary_key

_LIMITS = {"postgresql": 63, "mysql": 64}
_INDEX_LISTS = (exp.PrimaryKey, exp.UniqueColumnConstraint, exp.IndexColumnConstraint)


def _twice(names: Iterable[str]) -> list[str]:
    return [n for n, count in Counter(n.lower() for n in names).items() if count > 1]


def _lists(stmt: Stmt) -> Iterator[tuple[str, list[str]]]:
    tree = stmt.tree
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
        items = tree.this.expressions
        what = "view column list" if str(tree.args.get("kind")).upper() == "VIEW" else "table"
        yield what, [i.name for i in items if isinstance(i, exp.ColumnDef | exp.Identifier)]
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Index):
        params = tree.this.args.get("params")
        columns = params.args.get("columns") or [] if params is not None else []
        yield "index", [c.this.name for c in columns if isinstance(c.this, exp.Column)]
    if isinstance(tree, exp.Update):
        targets = [e.this for e in tree.expressions if isinstance(e, exp.EQ)]
        yield "SET list", [t.name for t in targets if isinstance(t, exp.Column)]
    for key in tree.find_all(*_INDEX_LISTS) if tree is not None else ():
        inner = key.this if isinstance(key.this, exp.Schema) else key
        names = [e.name for e in inner.expressions if isinstance(e, exp.Identifier | exp.Column)]
        yield "key", names


def _duplicates(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for what, names in _lists(stmt):
        for name in _twice(names):
            yield Hit(f"column {name} appears twice in the {what}")


def _too_long(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    limit = _LIMITS.get(ctx.dialect)
    if limit is None or stmt.tree is None:
        return
    seen = set()
    for ident in stmt.tree.find_all(exp.Identifier):
        name = ident.name
        size = len(name.encode()) if ctx.dialect == "postgresql" else len(name)
        if size > limit and name not in seen:
            seen.add(name)
            unit = "bytes" if ctx.dialect == "postgresql" else "characters"
            yield Hit(f"identifier {name} is {size} {unit} (limit {limit})")


def _primary_key(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    create = stmt.node(exp.Create)
    if created_table(stmt) and create is not None and isinstance(create.this, exp.Schema):
        if create.args.get("properties") and any(
            isinstance(p, exp.TemporaryProperty) for p in create.args["properties"].expressions
        ):
            return
        if not any(create.this.find_all(exp.PrimaryKey, exp.PrimaryKeyColumnConstraint)):
            if later_primary_key(stmt, ctx, created_table(stmt)) is None:  # pg_dump's order
                yield Hit(f"table {created_table(stmt)} has no primary key")
    for action in alter_actions(stmt):
        if isinstance(action, exp.DropPrimaryKey):
            yield Hit(f"drops the primary key of {altered_table(stmt)}")


def _names_used(stmt: Stmt) -> Iterator[str]:
    tree = stmt.tree
    if isinstance(tree, exp.Create) and str(tree.args.get("kind")).upper() == "TABLE":
        yield table_name(tree.this)
    elif isinstance(tree, exp.Alter | exp.TruncateTable) or (
        isinstance(tree, exp.Drop) and str(tree.args.get("kind")).upper() == "TABLE"
    ):
        tables = (
            tree.expressions
            if isinstance(tree, exp.TruncateTable)
            else (tree.args.get("tables") or [tree.this])
        )
        yield from (table_name(t) for t in tables)
    index_on = index_table(stmt)
    if index_on:
        yield index_on


def _schema(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for name in _names_used(stmt):
        if name and "." not in name:
            yield Hit(f"table {name} is named without its schema")


def _merge(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt)
    first = ctx.state.altered.get(table) if table else None
    if first is not None and not ctx.state.is_new(table):
        yield Hit(f"{table} was already altered on line {first}: another table rebuild")


RULES = (
    Rule(
        id="duplicate-column",
        severity="error",
        dialects=ALL_DIALECTS,
        summary="The same column twice in a table definition, view column list, UPDATE ... SET "
        "or index/key column list.",
        why="The database refuses it (or, for an index, builds a useless wider one).",
        fix="Name each column once.",
        check=_duplicates,
    ),
    Rule(
        id="identifier-too-long",
        severity="error",
        dialects=frozenset({"postgresql", "mysql"}),
        summary="An identifier longer than PostgreSQL's 63 bytes or MySQL's 64 characters.",
        why="PostgreSQL silently truncates it (two long names can collide, and the name in "
        "the database differs from the one in the code); MySQL refuses it.",
        fix="Use a shorter name.",
        check=_too_long,
    ),
    Rule(
        id="missing-primary-key",
        severity="warning",
        dialects=ALL_DIALECTS,
        summary="CREATE TABLE without a primary key, or ALTER TABLE ... DROP PRIMARY KEY.",
        why="Row-based replication (MySQL) scans the whole table for every replicated row "
        "change, logical replication (PostgreSQL) cannot replicate UPDATE/DELETE, and InnoDB "
        "clusters on a hidden key. Rows cannot be addressed one by one for backfills.",
        fix="Give every table a primary key (a bigint identity/auto-increment if there is no "
        "natural one).",
        check=_primary_key,
    ),
    Rule(
        id="require-table-schema",
        severity="warning",
        dialects=PG,
        summary="A table named without its schema (opt-in: --include require-table-schema).",
        why="The object lands wherever search_path points for the migration's role, which can "
        "differ between environments.",
        fix="Qualify the name: public.posts.",
        check=_schema,
        opt_in=True,
    ),
    Rule(
        id="merge-alter-table",
        severity="info",
        dialects=MYSQL,
        summary="An existing table altered earlier in the same file is altered again (MySQL).",
        why="MySQL commits and may rebuild the table for each ALTER TABLE; one ALTER with "
        "several actions does the work (and takes the metadata lock) once. On PostgreSQL the "
        "statements of a step share one transaction, so merging gains nothing.",
        fix="Merge the changes into one ALTER TABLE, separated by commas.",
        check=_merge,
    ),
)
