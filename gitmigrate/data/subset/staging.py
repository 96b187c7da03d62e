"""The planned keys of a subset, staged in a table on the target.

The closure is computed once, at the start of the apply, and its keys are written to
`gitmigrate_subset_<step>` in the same transaction as the plan's checkpoint. Every later phase
reads its keys back from there in `seq` order, so a resume after kill -9 copies exactly the
planned rows even if the source changed meanwhile (a row gone from the source is an error, not
a silently smaller subset). The finish phase drops the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from gitmigrate.data.copy_plan import decode_key, encode_value
from gitmigrate.data.loaders import write_rows
from gitmigrate.data.subset.model import Closure, Key
from gitmigrate.schema.render import quote

COLUMNS = ("tbl", "seq", "key_json")
_WRITE = 10_000


def stage_ddl(name: str, dialect: str) -> str:
    q = {c: quote(c, dialect) for c in COLUMNS}
    return (
        f"CREATE TABLE {quote(name, dialect)} ({q['tbl']} INTEGER NOT NULL,"
        f" {q['seq']} BIGINT NOT NULL, {q['key_json']} TEXT NOT NULL,"
        f" PRIMARY KEY ({q['tbl']}, {q['seq']}))"
    )


def stage_keys(
    target: Connection, dialect: str, name: str, closure: Closure, log: Callable[[str], None]
) -> set[int]:
    """Write every key of the closure: table index in load order, its rank, the key as JSON.
    Returns the indexes of the tables whose keys are all integers, which read back from the
    staging table exactly as they are in the closure."""
    plain = set()
    for index, table in enumerate(closure.tables):
        keys = closure.keys.get(table.source, [])
        ints = True
        for start in range(0, len(keys), _WRITE):
            part = keys[start : start + _WRITE]
            if ints and all(len(k) == 1 and type(k[0]) is int for k in part):  # the usual key
                rows = [(index, n, f"[{k[0]}]") for n, k in enumerate(part, start + 1)]
            else:
                rows = []
                for n, key in enumerate(part, start + 1):
                    if ints and all(type(v) is int for v in key):
                        rows.append((index, n, "[" + ",".join(map(str, key)) + "]"))
                    else:
                        ints = False
                        rows.append((index, n, _key_json(key)))
            write_rows(target, dialect, name, COLUMNS, rows, log)
        if ints:
            plain.add(index)
    return plain


def in_memory(closure: Closure, table: int, after: int, limit: int) -> list[tuple[int, Key]]:
    """What read_keys returns for a table staged from `closure` in this same call, without
    reading it back (the caller makes sure the table is one whose keys are all integers)."""
    keys = closure.keys.get(closure.tables[table].source, [])
    return list(enumerate((tuple(k) for k in keys[after : after + limit]), after + 1))


def read_keys(
    target: Connection, dialect: str, name: str, table: int, after: int, limit: int
) -> list[tuple[int, Key]]:
    """Up to `limit` staged (seq, key) of table `table` after `after`, in seq order."""
    q = {c: quote(c, dialect) for c in COLUMNS}
    sql = (
        f"SELECT {q['seq']}, {q['key_json']} FROM {quote(name, dialect)}"
        f" WHERE {q['tbl']} = :t AND {q['seq']} > :after ORDER BY {q['seq']} LIMIT :n"
    )
    found = target.execute(text(sql), {"t": table, "after": after, "n": limit}).all()
    if not found:
        return []
    # one parse for the whole batch; only keys holding tagged values (dates, bytes ...)
    # go through the decoder
    parsed = json.loads("[" + ",".join(raw for _, raw in found) + "]")
    return [
        (int(seq), decode_key(values) if "{" in raw else tuple(values))
        for (seq, raw), values in zip(found, parsed, strict=True)
    ]


def _key_json(key: Sequence[Any]) -> str:
    """A key as JSON, integers (the usual key) without the general encoder."""
    if all(type(v) is int for v in key):
        return "[" + ",".join(map(str, key)) + "]"
    return json.dumps([encode_value(v) for v in key])


def key_lookup(keys: Sequence[Key]) -> dict[Key, int]:
    """Position of each key in a batch, by a normalised form that compares equal across the
    drivers' spellings of one value (memoryview and bytes, say)."""
    return {normal(k): i for i, k in enumerate(keys)}


def normal(key: Sequence[Any]) -> Key:
    if not any(isinstance(v, (memoryview, bytearray)) for v in key):
        return tuple(key)
    return tuple(bytes(v) if isinstance(v, (memoryview, bytearray)) else v for v in key)
