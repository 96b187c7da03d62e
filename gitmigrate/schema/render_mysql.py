"""MariaDB/MySQL DDL: MODIFY COLUMN with the full definition, DROP INDEX ... ON, DROP FOREIGN
KEY, DROP PRIMARY KEY, and `ALGORITHM=INPLACE, LOCK=NONE` on online ALTERs that allow it."""

from __future__ import annotations

import re

from gitmigrate.schema import ops
from gitmigrate.schema.model import View
from gitmigrate.schema.mysql_partitions import repartition
from gitmigrate.schema.render import (
    POSTGRES_ONLY,
    check_clause,
    column_definition,
    foreign_key_clause,
    index_elements,
    literal,
    mysql_index_kind,
    primary_key_clause,
    quote,
    render_common,
    unique_clause,
)
from gitmigrate.schema.render import unsupported as _unsupported

MY = "mysql"
ONLINE = ", ALGORITHM=INPLACE, LOCK=NONE"


def q(name: str) -> str:
    return quote(name, MY)


def render_mysql(op: ops.Operation, *, online: bool = False) -> list[str]:
    """One ALTER per operation; `online` adds ALGORITHM=INPLACE, LOCK=NONE where InnoDB can
    do the change in place without blocking writes (indexes, adding/dropping/renaming columns,
    dropping foreign keys, and column changes that keep the type). Type changes and new
    foreign keys copy the table, so never."""
    suffix = ONLINE if online else ""
    if isinstance(op, POSTGRES_ONLY):
        raise _unsupported(op, MY)
    match op:
        case ops.CreateIndex(table=table, index=index):
            kind = mysql_index_kind(index)
            return [
                f"ALTER TABLE {q(table)} ADD {kind} {q(index.name)} "
                f"({index_elements(index, MY)}){suffix}"
            ]
        case ops.DropIndex(table=table, index=index):
            return [f"ALTER TABLE {q(table)} DROP INDEX {q(index.name)}{suffix}"]
        case ops.AddColumn(table=table, column=column) if not column.identity:
            return [f"ALTER TABLE {q(table)} ADD COLUMN {column_definition(column, MY)}{suffix}"]
        case ops.DropColumn(table=table, column=column):
            return [f"ALTER TABLE {q(table)} DROP COLUMN {q(column.name)}{suffix}"]
        case ops.RenameColumn(table=table, old=old, new=new):
            return [f"ALTER TABLE {q(table)} RENAME COLUMN {q(old)} TO {q(new)}{suffix}"]
        case ops.AlterColumn(table=table, old=old, new=new):
            # same type: nullability, default or comment only, which InnoDB does in place
            # without blocking writes (MariaDB 10.4+); a type change copies the table
            same = (old.type, old.identity, old.generated) == (
                new.type,
                new.identity,
                new.generated,
            )
            tail = suffix if same else ""
            return [f"ALTER TABLE {q(table)} MODIFY COLUMN {column_definition(new, MY)}{tail}"]
        case ops.AddUnique(table=table, constraint=unique):
            return [f"ALTER TABLE {q(table)} ADD {unique_clause(unique, MY)}{suffix}"]
        case ops.DropUnique(table=table, constraint=unique):
            name = unique.name or unique.columns[0]
            return [f"ALTER TABLE {q(table)} DROP INDEX {q(name)}{suffix}"]
        case ops.AddForeignKey(table=table, foreign_key=fk):
            return [f"ALTER TABLE {q(table)} ADD {foreign_key_clause(fk, MY)}"]
        case ops.DropForeignKey(table=table, foreign_key=fk):
            if fk.name is None:
                raise _unnamed("foreign key", table)
            out = [f"ALTER TABLE {q(table)} DROP FOREIGN KEY {q(fk.name)}{suffix}"]
            if op.backing_index is not None:
                out += _drop_backing_index(table, op.backing_index, fk.columns[0], suffix)
            return out
        case ops.AddCheck(table=table, check=check):
            return [f"ALTER TABLE {q(table)} ADD {check_clause(check, MY)}"]
        case ops.DropCheck(table=table, check=check):
            if check.name is None:
                raise _unnamed("check constraint", table)
            return [f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(check.name)}"]
        case ops.AddPrimaryKey(table=table, primary_key=pk):
            return [f"ALTER TABLE {q(table)} ADD {primary_key_clause(pk, MY)}"]
        case ops.DropPrimaryKey(table=table):
            return [f"ALTER TABLE {q(table)} DROP PRIMARY KEY"]
        case ops.RenameTable(old=old, new=new):
            return [f"RENAME TABLE {q(old)} TO {q(new)}"]
        case ops.CreateView(view=view) if not view.materialized:
            return [create_view(view)]
        case ops.Repartition(table=table, old=old_table, new=new_table):
            return repartition(table, old_table, new_table)
        case ops.SetTableComment(table=table, new=new):
            return [f"ALTER TABLE {q(table)} COMMENT = {literal(new or '')}"]
    common = render_common(op, MY)
    if common is None:
        raise NotImplementedError(f"no MySQL rendering for {op!r}")
    return common


def _drop_backing_index(table: str, name: str, column: str, suffix: str) -> list[str]:
    """The index the server made for a foreign key is named after the constraint when the
    author named it, after its first column when the server named the key (`t_ibfk_1`), and
    the model cannot tell `CONSTRAINT t_ibfk_1` from no name: try both (MariaDB's IF EXISTS)."""
    if not _SERVER_FK_NAME.search(name):
        return [f"ALTER TABLE {q(table)} DROP INDEX {q(name)}{suffix}"]
    return [
        f"ALTER TABLE {q(table)} DROP INDEX IF EXISTS {q(candidate)}{suffix}"
        for candidate in (name, column)
    ]


_SERVER_FK_NAME = re.compile(r"_ibfk_\d+$", re.IGNORECASE)


def create_view(view: View) -> str:
    """CREATE VIEW with the options that are not the server's default (the DEFINER is the
    account running the migration)."""
    head = "CREATE"
    if view.algorithm:
        head += f" ALGORITHM={view.algorithm}"
    if view.security:
        head += f" SQL SECURITY {view.security}"
    tail = f" WITH {view.check_option} CHECK OPTION" if view.check_option else ""
    return f"{head} VIEW {q(view.name)} AS {view.definition}{tail}"


def _unnamed(what: str, table: str) -> Exception:
    from gitmigrate.errors import UsageError

    return UsageError(
        f"cannot drop an unnamed {what} of table {table!r} on MySQL",
        "reflect the schema from the database, which names every constraint",
    )
