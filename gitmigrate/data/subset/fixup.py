"""The fix-up of a subset: the foreign-key columns of the broken edges, loaded NULL so that a
cycle could load with its constraints on, are set once every table is loaded.

Each batch re-reads its rows from the source by the staged keys and masks them exactly as the
load did, so a masked key and the masked foreign key pointing at it still agree. Rows whose
deferred columns are all NULL on the source need no update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from gitmigrate.data.subset.load import TableLoader
from gitmigrate.schema.render import quote


def fixup_batch(
    loader: TableLoader,
    keys: Sequence[tuple[Any, ...]],
    execute: Callable[..., Any],
) -> int:
    """Set the deferred columns of the rows of `keys`; the number of rows updated."""
    table, d = loader.table, loader.dst
    if not loader.deferred_at:
        return 0
    rows = loader.masked(loader.fetch(keys))
    names = [table.columns[i] for i in loader.deferred_at]
    sets = ", ".join(f"{quote(c, d)} = :v{n}" for n, c in enumerate(names))
    where = " AND ".join(f"{quote(k, d)} = :k{n}" for n, k in enumerate(table.key))
    sql = f"UPDATE {table.target.quoted(d)} SET {sets} WHERE {where}"
    params = []
    for row in rows:
        values = [row[i] for i in loader.deferred_at]
        if all(v is None for v in values):
            continue
        entry = {f"v{n}": v for n, v in enumerate(values)}
        entry.update({f"k{n}": row[i] for n, i in enumerate(loader.key_at)})
        params.append(entry)
    if params:
        execute(sql, params)
    return len(params)
