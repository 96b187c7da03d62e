"""MySQL/MariaDB table definitions: storage engine, character sets and collations."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import MYSQL, Hit, Rule
from gitmigrate.lint.state import Context, set_names
from gitmigrate.lint.statement import Stmt, created_table

_GOOD_CHARSETS = frozenset({"UTF8MB4", "BINARY", "ASCII"})


def _engine(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    engine = stmt.after("ENGINE") if stmt.words[0] in ("CREATE", "ALTER") else None
    if engine is not None and engine != "INNODB":
        yield Hit(f"ENGINE={engine}: not transactional, not crash-safe")
    if "default_storage_engine" in set_names(stmt):
        value = stmt.words[-1]
        if value not in ("INNODB", "'"):
            yield Hit(f"default_storage_engine set to {value}")


def _table_charset(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    create = stmt.node(exp.Create)
    if not created_table(stmt) or create is None or not isinstance(create.this, exp.Schema):
        return  # CREATE TABLE ... LIKE / AS SELECT inherit theirs
    if "CHARSET" not in stmt.words and not stmt.has("CHARACTER", "SET"):
        yield Hit(f"table {created_table(stmt)} takes the server's default character set")
    elif "COLLATE" not in stmt.words:
        yield Hit(f"table {created_table(stmt)} takes its charset's default collation")


def _charsets(stmt: Stmt) -> Iterator[str]:
    w = stmt.words
    for i, word in enumerate(w):
        value = None
        if word == "CHARSET" or (word == "SET" and i and w[i - 1] == "CHARACTER"):
            value = next((x for x in w[i + 1 : i + 3] if x != "="), None)
        elif word == "COLLATE":
            value = next((x for x in w[i + 1 : i + 3] if x != "="), "").split("_")[0] or None
        if value is not None and value not in ("DEFAULT", "'"):
            yield value


def _not_utf8mb4(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.words[0] not in ("CREATE", "ALTER"):
        return
    for charset in dict.fromkeys(_charsets(stmt)):
        if charset not in _GOOD_CHARSETS:
            yield Hit(
                f"character set {charset.lower()} cannot store every Unicode character"
                if charset.startswith("UTF8")
                else f"character set {charset.lower()} is not utf8mb4"
            )


def _column_charset(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column in stmt.tree.find_all(exp.ColumnDef) if stmt.tree is not None else ():
        for constraint in column.constraints:
            kind = constraint.args.get("kind")
            if isinstance(kind, exp.CharacterSetColumnConstraint | exp.CollateColumnConstraint):
                yield Hit(f"column {column.name} sets its own character set or collation")
                break


RULES = (
    Rule(
        id="mysql-use-innodb",
        severity="error",
        dialects=MYSQL,
        summary="ENGINE= other than InnoDB (also SET default_storage_engine).",
        why="MyISAM and friends have no transactions, no crash recovery and table-level "
        "locks: a failed step cannot be rolled back and a crash can corrupt the table.",
        fix="Use ENGINE=InnoDB (or leave ENGINE out on a server whose default is InnoDB).",
        check=_engine,
    ),
    Rule(
        id="table-charset-unspecified",
        severity="warning",
        dialects=MYSQL,
        summary="CREATE TABLE without DEFAULT CHARSET or COLLATE.",
        why="The table takes the server's or database's default, which differs between "
        "MySQL 5.7 (latin1), MySQL 8 (utf8mb4_0900_ai_ci) and MariaDB: the same step builds "
        "different tables, and joins across collations fail or skip indexes.",
        fix="End CREATE TABLE with DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci (or your "
        "project's collation).",
        check=_table_charset,
    ),
    Rule(
        id="charset-not-utf8mb4",
        severity="warning",
        dialects=MYSQL,
        summary="A character set or collation other than utf8mb4 (utf8/utf8mb3, latin1, ...).",
        why="utf8/utf8mb3 stores at most 3 bytes per character (no emoji or many CJK "
        "characters); converting later rewrites the table.",
        fix="Use utf8mb4 with a utf8mb4_* collation.",
        check=_not_utf8mb4,
    ),
    Rule(
        id="column-charset-override",
        severity="warning",
        dialects=MYSQL,
        summary="A column sets its own CHARACTER SET or COLLATE.",
        why="Mixed collations make comparisons and joins fail ('Illegal mix of collations') or "
        "skip indexes.",
        fix="Set the character set and collation once, on the table.",
        check=_column_charset,
    ),
)
