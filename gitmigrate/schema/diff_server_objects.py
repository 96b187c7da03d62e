"""The part of a diff made of `DbObject`s (functions, triggers, domains, policies, grants ...).

Objects are matched by (kind, name) and compared by their `create` text. Those of kinds
created before tables (`objects.BEFORE_TABLES`) are created before table changes and dropped
after them; the others are dropped before table changes and created after views. An object
that hangs on a table or view which is dropped or recreated (`table` in `rebuilt`) is dropped
first and created again, since the server drops it with its relation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gitmigrate.schema import ops
from gitmigrate.schema.model import DbObject, Schema
from gitmigrate.schema.objects import BEFORE_TABLES, alter_statements, sort_key

Fold = Callable[[str], str]


@dataclass
class ObjectOps:
    """Where the object operations go in the plan (see diff.py's order)."""

    create_first: list[ops.Operation] = field(default_factory=list)  # schemas, before all
    drop_last: list[ops.Operation] = field(default_factory=list)  # schemas, after all
    drop_early: list[ops.Operation] = field(default_factory=list)  # before view drops
    create_early: list[ops.Operation] = field(default_factory=list)  # before table changes
    drop_late: list[ops.Operation] = field(default_factory=list)  # after table drops
    create_late: list[ops.Operation] = field(default_factory=list)  # after views


def object_ops(current: Schema, desired: Schema, rebuilt: set[str], fold: Fold) -> ObjectOps:
    """`rebuilt`: folded names of tables and views dropped, recreated or rebuilt by the plan."""
    out = ObjectOps()
    old = {(o.kind, o.name): o for o in current.objects}
    new = {(o.kind, o.name): o for o in desired.objects}
    dropped: list[DbObject] = []
    created: list[DbObject] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: sort_key(old.get(k) or new[k])):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            created.append(after)
        elif after is None and before is not None:
            dropped.append(before)
        elif before is not None and after is not None:
            on_rebuilt = before.table is not None and fold(before.table) in rebuilt
            if before == after and not on_rebuilt:
                continue
            forward = None if on_rebuilt else alter_statements(before, after)
            back = None if on_rebuilt else alter_statements(after, before)
            if forward is not None and back is not None:
                target = out.create_early if after.kind in BEFORE_TABLES else out.create_late
                target.append(ops.AlterObject(before, after, forward, back))
            else:
                dropped.append(before)
                created.append(after)
    for obj in sorted(dropped, key=sort_key, reverse=True):
        _drops(out, obj).append(ops.DropObject(obj))
    for obj in sorted(created, key=sort_key):
        _creates(out, obj).append(ops.CreateObject(obj))
    return out


def _creates(out: ObjectOps, obj: DbObject) -> list[ops.Operation]:
    """A schema holds enums, sequences and extensions too: it comes before them."""
    if obj.kind == "schema":
        return out.create_first
    return out.create_early if obj.kind in BEFORE_TABLES else out.create_late


def _drops(out: ObjectOps, obj: DbObject) -> list[ops.Operation]:
    if obj.kind == "schema":
        return out.drop_last
    return out.drop_late if obj.kind in BEFORE_TABLES else out.drop_early
