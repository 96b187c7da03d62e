"""What a statement does and whether it destroys data, for impact analysis and the linter.

Classification never refuses SQL (validation does that): anything it cannot read is "OTHER".
"Destructive" means data that cannot be rebuilt from the schema is lost: dropping a table,
view, schema, database or column, truncating, or a DELETE/UPDATE without WHERE. Dropping an
index is not destructive: the data survives and the index can be rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from gitmigrate.errors import SqlParseError
from gitmigrate.sql.dialects import normalize_dialect, sqlglot_dialect
from gitmigrate.sql.parse import Chunk, Statement, parse_chunk, quiet_sqlglot, split_chunks

_DESTRUCTIVE_DROPS = frozenset({"TABLE", "VIEW", "SCHEMA", "DATABASE"})
_DDL_WORDS = frozenset({"CREATE", "ALTER", "DROP"})
_KIND_WORDS = frozenset(
    {"TABLE", "VIEW", "INDEX", "SCHEMA", "DATABASE", "SEQUENCE", "TYPE", "DOMAIN", "EXTENSION"}
    | {"TRIGGER", "FUNCTION", "PROCEDURE", "EVENT", "ROLE", "USER", "POLICY", "RULE"}
)
_SKIP_WORDS = frozenset({"IF", "EXISTS", "NOT", "ONLY", "CONCURRENTLY"})
_SIMPLE_OPS: dict[type[exp.Expr], tuple[str, str]] = {
    exp.Transaction: ("BEGIN", "other"),
    exp.Commit: ("COMMIT", "other"),
    exp.Rollback: ("ROLLBACK", "other"),
    exp.Pragma: ("PRAGMA", "other"),
    exp.Use: ("USE", "other"),
    exp.Set: ("SET", "other"),
    exp.Grant: ("GRANT", "other"),
    exp.Comment: ("COMMENT", "ddl"),
    exp.Merge: ("MERGE", "dml"),
}
_BIG_INSERT = 256  # tokens; past this only the INSERT's head is parsed


@dataclass(frozen=True)
class StatementInfo:
    """The operation, its category ("ddl", "dml", "query", "other") and the objects touched."""

    operation: str
    category: str
    objects: tuple[str, ...]
    destructive: bool
    reason: str | None


OTHER = StatementInfo("OTHER", "other", (), False, None)


def classify(statement: str, dialect: str) -> StatementInfo:
    """Classify one statement (the first, if `statement` holds several)."""
    dialect = normalize_dialect(dialect)
    try:
        chunks = split_chunks(statement, dialect)
    except SqlParseError:
        return OTHER
    return _classify_chunk(chunks[0], statement, dialect) if chunks else OTHER


def classify_script(sql: str, dialect: str) -> list[tuple[Statement, StatementInfo]]:
    """Every statement of a script with its classification, in order."""
    dialect = normalize_dialect(dialect)
    return [(c.statement, _classify_chunk(c, sql, dialect)) for c in split_chunks(sql, dialect)]


def _classify_chunk(chunk: Chunk, sql: str, dialect: str) -> StatementInfo:
    if chunk.routine:
        return _from_tokens(chunk)
    try:
        trees = _parse_head(chunk, sql, dialect)
    except SqlglotError:
        return _from_tokens(chunk)
    tree = next((t for t in trees if t is not None), None)
    if tree is None:
        return OTHER
    if isinstance(tree, exp.Command):
        return _from_tokens(chunk)
    return _describe(tree)


def _parse_head(chunk: Chunk, sql: str, dialect: str) -> list[exp.Expr | None]:
    """Parse the statement; a big INSERT ... VALUES is cut at VALUES (its rows change nothing)."""
    tokens = chunk.tokens
    if tokens[0].token_type == TokenType.INSERT and len(tokens) > _BIG_INSERT:
        depth = 0
        for token in tokens:
            depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(token.token_type, 0)
            if depth == 0 and token.token_type == TokenType.VALUES:
                head = sql[tokens[0].start : token.start] + "VALUES (NULL)"
                with quiet_sqlglot():
                    return Dialect.get_or_raise(sqlglot_dialect(dialect)).parse(head)
    return parse_chunk(chunk, sql, dialect)


def _name(node: exp.Expr | None) -> str | None:
    """Lower-cased, schema-qualified as written; None when there is no name."""
    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, exp.Table):
        parts = [node.catalog, node.db, node.name]
        return ".".join(p for p in parts if p).lower() or None
    if isinstance(node, exp.Expr) and node.name:
        return node.name.lower()
    return None


def _names(nodes: list[exp.Expr | None]) -> tuple[str, ...]:
    names = (_name(n) for n in nodes)
    return tuple(dict.fromkeys(n for n in names if n))


def _info(op: str, category: str, objects: tuple[str, ...], reason: str | None) -> StatementInfo:
    return StatementInfo(op, category, objects, reason is not None, reason)


def _describe(tree: exp.Expr) -> StatementInfo:
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").upper()
        this = tree.this
        if isinstance(this, exp.Index):
            return _info(f"CREATE {kind}", "ddl", _names([this, this.args.get("table")]), None)
        return _info(f"CREATE {kind}".strip(), "ddl", _names([this]), None)
    if isinstance(tree, exp.Drop):
        return _drop(tree)
    if isinstance(tree, exp.Alter):
        return _alter(tree)
    if isinstance(tree, exp.TruncateTable):
        objects = _names(list(tree.expressions))
        return _info("TRUNCATE", "ddl", objects, f"truncates {', '.join(objects)}")
    if isinstance(tree, exp.Delete | exp.Update):
        return _delete_or_update(tree)
    if isinstance(tree, exp.Insert):
        return _info("INSERT", "dml", _names([tree.this]), None)
    if isinstance(tree, exp.Query):
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        tables = [t for t in tree.find_all(exp.Table) if _name(t) not in ctes]
        return _info("SELECT", "query", _names(list(tables)), None)
    for node_type, (op, category) in _SIMPLE_OPS.items():
        if isinstance(tree, node_type):
            target = tree.args.get("this")
            objects = _names([target]) if isinstance(target, exp.Table) else ()
            return _info(op, category, objects, None)
    return OTHER


def _drop(tree: exp.Drop) -> StatementInfo:
    kind = str(tree.args.get("kind") or "").upper()
    op = f"DROP MATERIALIZED {kind}" if tree.args.get("materialized") else f"DROP {kind}"
    objects = _names(list(tree.args.get("tables") or []))
    on = tree.args.get("cluster")
    if isinstance(on, exp.OnProperty):  # MySQL: DROP INDEX ix ON t
        objects = objects + _names([on.this])
    reason = None
    if kind in _DESTRUCTIVE_DROPS:
        reason = f"drops {op.lower().removeprefix('drop ')} {', '.join(objects)}".strip()
    return _info(op, "ddl", objects, reason)


def _alter(tree: exp.Alter) -> StatementInfo:
    table = _name(tree.this) or ""
    objects = [tree.this]
    dropped: list[str] = []
    for action in tree.args.get("actions") or []:
        if isinstance(action, exp.AlterRename):
            objects.append(action.this)
        if isinstance(action, exp.Drop) and str(action.args.get("kind")).upper() == "COLUMN":
            columns = action.args.get("tables") or action.expressions
            dropped += [f"{table}.{c.name.lower()}" for c in columns]
    reason = None
    if dropped:
        reason = f"drops column{'s' if len(dropped) > 1 else ''} {', '.join(dropped)}"
    kind = str(tree.args.get("kind") or "TABLE").upper()
    return _info(f"ALTER {kind}", "ddl", _names(objects), reason)


def _delete_or_update(tree: exp.Delete | exp.Update) -> StatementInfo:
    op = "DELETE" if isinstance(tree, exp.Delete) else "UPDATE"
    targets = list(tree.args.get("tables") or []) or [tree.this]
    objects = _names(targets)
    joined = isinstance(tree.this, exp.Table) and bool(tree.this.args.get("joins"))
    reason = None
    if tree.args.get("where") is None and not joined:
        verb = "deletes" if op == "DELETE" else "updates"
        reason = f"{verb} every row of {', '.join(objects)} (no WHERE)"
    return _info(op, "dml", objects, reason)


def _from_tokens(chunk: Chunk) -> StatementInfo:
    """For statements sqlglot keeps opaque: read the leading keywords."""
    words = [t.text for t in chunk.tokens[:32]]
    upper = [w.upper() for w in words]
    if upper[0] not in _DDL_WORDS:
        return OTHER
    kind_at = next((i for i, w in enumerate(upper) if w in _KIND_WORDS), None)
    if kind_at is None:
        return _info(upper[0], "ddl", (), None)
    kind = upper[kind_at]
    name = _dotted(words, kind_at + 1)
    objects = (name,) if name else ()
    reason = None
    if upper[0] == "DROP" and kind in _DESTRUCTIVE_DROPS:
        reason = f"drops {kind.lower()} {name}".strip()
    if upper[0] == "ALTER" and kind == "TABLE":
        for i in range(len(upper) - 1):
            if upper[i] == "DROP" and upper[i + 1] == "COLUMN":
                reason = f"drops column {name}.{_dotted(words, i + 2)}"
                break
    return _info(f"{upper[0]} {kind}", "ddl", objects, reason)


def _dotted(words: list[str], at: int) -> str:
    """The (possibly schema-qualified) name starting at `at`, after IF [NOT] EXISTS."""
    while at < len(words) and words[at].upper() in _SKIP_WORDS:
        at += 1
    parts = words[at : at + 1]
    while at + 2 < len(words) and words[at + 1] == ".":
        at += 2
        parts.append(words[at])
    return ".".join(parts).lower()
