"""MariaDB/MySQL: an index a foreign key needs cannot be dropped ("Cannot drop index ...:
needed in a foreign key constraint"). When the last index covering a kept foreign key is
dropped (or, in a rollback, the index created to cover it), the index the server would make
for the key is added in the same ALTER: named after the constraint (or its first column when
the server named the key), as the server names it, so reflection counts it as the key's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gitmigrate.schema import ops
from gitmigrate.schema.model import ForeignKey, Index, Table

Fold = Callable[[str], str]
_SERVER_FK_NAME = re.compile(r"_ibfk_\d+$", re.IGNORECASE)


def q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def guard_index_ops(
    name: str, cur: Table, des: Table, drops: list[Index], creates: list[Index], fold: Fold
) -> tuple[list[ops.Operation], list[ops.Operation]]:
    """The DropIndex and CreateIndex operations, those an FK needs made safe on MySQL."""
    kept_fks = [fk for fk in des.foreign_keys if fk in cur.foreign_keys]
    steady = [i.columns for i in cur.indexes if i in des.indexes and not i.expressions]
    steady += [u.columns for u in cur.unique_constraints if u in des.unique_constraints]
    if cur.primary_key is not None and cur.primary_key == des.primary_key:
        steady.append(cur.primary_key.columns)

    def needy(index: Index) -> ForeignKey | None:
        if index.expressions or index.method is not None:
            return None
        for fk in kept_fks:
            wanted = tuple(map(fold, fk.columns))
            covers = tuple(map(fold, index.columns[: len(wanted)])) == wanted
            if covers and not any(tuple(map(fold, c[: len(wanted)])) == wanted for c in steady):
                return fk
        return None

    drop_ops: list[ops.Operation] = []
    for index in drops:
        fk = needy(index)
        plain = ops.DropIndex(name, index)
        if fk is None:
            drop_ops.append(plain)
        else:
            swap = ops.Statement(_swap(name, fk, index))
            drop_ops.append(ops.Composite((swap,), (ops.CreateIndex(name, index),)))
    create_ops: list[ops.Operation] = []
    for index in creates:
        fk = needy(index)
        plain_create = ops.CreateIndex(name, index)
        if fk is None:
            create_ops.append(plain_create)
        else:
            swap = ops.Statement(_swap(name, fk, index))
            create_ops.append(ops.Composite((plain_create,), (swap,)))
    return drop_ops, create_ops


def _swap(table: str, fk: ForeignKey, index: Index) -> str:
    backing = fk.name if fk.name and not _SERVER_FK_NAME.search(fk.name) else fk.columns[0]
    columns = ", ".join(q(c) for c in fk.columns)
    return f"ALTER TABLE {q(table)} ADD INDEX {q(backing)} ({columns}), DROP INDEX {q(index.name)}"
