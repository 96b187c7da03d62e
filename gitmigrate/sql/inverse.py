"""The inverse of one DDL statement, when it can be derived from the statement alone.

Used to undo the completed statements of a failed step where DDL is not transactional
(MariaDB/MySQL). Only creations and renames have an inverse that loses nothing; drops, data
changes and type changes return None, and the engine then stops and asks for attention instead
of guessing. Identifiers in the output are always quoted for the dialect.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from gitmigrate.sql.dialects import sqlglot_dialect
from gitmigrate.sql.parse import quiet_sqlglot


def _quote(node: exp.Expression, dialect: str) -> str:
    """Render a (possibly qualified) table or identifier with every part quoted."""
    copy = node.copy()
    for ident in copy.find_all(exp.Identifier):
        ident.set("quoted", True)
    if isinstance(copy, exp.Identifier):
        copy.set("quoted", True)
    return copy.sql(dialect=sqlglot_dialect(dialect))


def inverse_of(statement: str, dialect: str) -> str | None:
    try:
        with quiet_sqlglot():
            tree = sqlglot.parse_one(statement, read=sqlglot_dialect(dialect))
    except ParseError:
        return None
    if isinstance(tree, exp.Create):
        return _inverse_create(tree, dialect)
    if isinstance(tree, exp.Alter) and tree.args.get("kind", "TABLE").upper() == "TABLE":
        return _inverse_alter(tree, dialect)
    return None


def _inverse_create(tree: exp.Create, dialect: str) -> str | None:
    kind = str(tree.args.get("kind") or "").upper()
    if tree.args.get("replace"):
        return None  # CREATE OR REPLACE may have replaced something we cannot restore
    target = tree.this
    if kind == "TABLE":
        table = target.this if isinstance(target, exp.Schema) else target
        return f"DROP TABLE {_quote(table, dialect)}"
    if kind == "VIEW":
        return f"DROP VIEW {_quote(target, dialect)}"
    if kind == "INDEX" and isinstance(target, exp.Index):
        name = _quote(target.this, dialect)
        table = target.args.get("table")
        if dialect == "mysql" and table is not None:
            return f"DROP INDEX {name} ON {_quote(table, dialect)}"
        return f"DROP INDEX {name}"
    return None


def _inverse_alter(tree: exp.Alter, dialect: str) -> str | None:
    table = _quote(tree.this, dialect)
    undo: list[str] = []
    for action in tree.args.get("actions") or []:
        part = _inverse_action(action, dialect)
        if part is None:
            return None
        if part.startswith("RENAME TO "):
            # the table now has the new name: undo renames it back from there
            new_name = _quote(action.this, dialect)
            return (
                f"ALTER TABLE {new_name} RENAME TO {table}"
                if len(tree.args["actions"]) == 1
                else None
            )
        undo.append(part)
    if not undo:
        return None
    return f"ALTER TABLE {table} " + ", ".join(reversed(undo))


def _inverse_action(action: exp.Expression, dialect: str) -> str | None:
    if isinstance(action, exp.ColumnDef):
        return f"DROP COLUMN {_quote(action.this, dialect)}"
    if isinstance(action, exp.AlterRename):
        return "RENAME TO "
    if isinstance(action, exp.RenameColumn):
        old, new = action.this, action.args.get("to")
        if new is None:
            return None
        return f"RENAME COLUMN {_quote(new, dialect)} TO {_quote(old, dialect)}"
    if isinstance(action, exp.AddConstraint):
        parts = []
        for constraint in action.expressions:
            name = (
                constraint.this
                if isinstance(constraint, exp.Constraint | exp.IndexColumnConstraint)
                else None
            )
            if not isinstance(name, exp.Identifier):
                return None  # an unnamed constraint cannot be dropped by name
            parts.append(_drop_constraint(constraint, _quote(name, dialect), dialect))
        return ", ".join(parts) if parts else None
    return None


def _drop_constraint(constraint: exp.Expression, name: str, dialect: str) -> str:
    if isinstance(constraint, exp.IndexColumnConstraint):
        return f"DROP INDEX {name}"
    if dialect == "mysql":
        if constraint.find(exp.ForeignKey) is not None:
            return f"DROP FOREIGN KEY {name}"
        if constraint.find(exp.PrimaryKey) is not None:
            return "DROP PRIMARY KEY"
        if constraint.find(exp.UniqueColumnConstraint) is not None:
            return f"DROP INDEX {name}"
        if constraint.find(exp.CheckColumnConstraint) is not None:
            return f"DROP CHECK {name}"
    return f"DROP CONSTRAINT {name}"
