"""The part of a diff made of `DbObject`s (functions, triggers, domains, policies, grants ...).

Objects are matched by (kind, name) and compared by their `create` text. A changed one is
altered in place when its kind knows how (`objects.alter_statements`), else dropped and
created again; so is every object that depends on one dropped (a trigger on a function that
is recreated), since the server refuses to drop what others use.

Where they go: objects of kinds created before tables (`objects.BEFORE_TABLES`) are created
(and, when replaced, first dropped) before table changes, and dropped for good after them; the
others, and those that need a table or view (a function returning a table's row type),
are dropped before table changes and created after views. An object that hangs on a
table or view which is dropped or recreated (`table` in `rebuilt`) is dropped first and
created again, since the server drops it with its relation; so is one that needs such a
relation (a function returning a view's row type). Within each place, objects follow
`depends_on` (what an object needs is created before it and dropped after it), then
`objects.sort_key`.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gitmigrate.schema import ops
from gitmigrate.schema.model import DbObject, Schema, View
from gitmigrate.schema.objects import BEFORE_TABLES, alter_statements, sort_key

Fold = Callable[[str], str]
Key = tuple[str, str]


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
    old = {(o.kind, o.name): o for o in current.objects}
    new = {(o.kind, o.name): o for o in desired.objects}
    recreate: set[Key] = set()
    altered: dict[Key, ops.AlterObject] = {}
    for key in old.keys() & new.keys():
        before, after = old[key], new[key]
        hangs = (before.table,) if before.table is not None else ()
        on_rebuilt = any(fold(r) in rebuilt for r in (*hangs, *before.depends_on))
        if before == after and not on_rebuilt:
            continue
        forward = None if on_rebuilt else alter_statements(before, after)
        back = None if on_rebuilt else alter_statements(after, before)
        if forward is not None and back is not None:
            altered[key] = ops.AlterObject(before, after, forward, back)
        else:
            recreate.add(key)
    removed = old.keys() - new.keys()
    recreate |= _dependents(old, removed | recreate, new.keys())
    for key in recreate:
        altered.pop(key, None)

    relations = {fold(t.name) for s in (current, desired) for t in s.tables}
    relations |= {fold(v.name) for s in (current, desired) for v in s.views}

    def early(obj: DbObject) -> bool:
        """Kinds created before tables, unless the object needs a table or view (a function
        returning a table's row type)."""
        return obj.kind in BEFORE_TABLES and not any(fold(d) in relations for d in obj.depends_on)

    out = ObjectOps()
    for obj in reversed(dependency_order(old[k] for k in removed | recreate)):
        if obj.kind == "schema":  # it may hold anything else: after all of it
            out.drop_last.append(ops.DropObject(obj))
        elif early(obj) and (obj.kind, obj.name) in recreate:
            out.create_early.append(ops.DropObject(obj))  # replaced: gone before its new self
        else:
            (out.drop_late if early(obj) else out.drop_early).append(ops.DropObject(obj))
    made = recreate | (new.keys() - old.keys()) | altered.keys()
    for obj in dependency_order(new[k] for k in made):
        key = (obj.kind, obj.name)
        op: ops.Operation = altered[key] if key in altered else ops.CreateObject(obj)
        if obj.kind == "schema":  # before anything that may live in it
            out.create_first.append(op)
        else:
            (out.create_early if early(obj) else out.create_late).append(op)
    return out


def views_calling_recreated(current: Schema, desired: Schema, fold: Fold) -> set[str]:
    """Folded names of current views that call a function the plan drops and creates again
    (the server refuses to drop a function a view uses, and the server does not tell us
    which: the view's text naming it as `name(` does)."""
    new = {(o.kind, o.name): o for o in desired.objects}
    names = set()
    for obj in current.objects:
        other = new.get((obj.kind, obj.name))
        if obj.kind != "function" or other is None or other == obj:
            continue
        if alter_statements(obj, other) is None:
            names.add(obj.name.split("(", 1)[0].rsplit(".", 1)[-1])
    return {fold(v.name) for v in current.views if _calls_any(v, names)}


def _calls_any(view: View, names: set[str]) -> bool:
    return any(
        re.search(rf'(?<![\w$]){re.escape(n)}"?\s*\(', view.definition, re.IGNORECASE)
        for n in names
    )


def _dependents(objects: dict[Key, DbObject], gone: set[Key], kept: Iterable[Key]) -> set[Key]:
    """Kept objects that need (directly or not) one of `gone`: they go and come back too."""
    by_name: dict[str, set[Key]] = {}
    for key in gone:
        by_name.setdefault(key[1], set()).add(key)
    out: set[Key] = set()
    candidates = [k for k in kept if k in objects and k not in gone]
    changed = True
    while changed:
        changed = False
        for key in candidates:
            if key not in out and any(n in by_name for n in objects[key].depends_on):
                out.add(key)
                by_name.setdefault(key[1], set()).add(key)
                changed = True
    return out


def dependency_order(objects: Iterable[DbObject]) -> list[DbObject]:
    """Objects ordered so that each comes after those of `objects` named in its `depends_on`,
    otherwise by `sort_key`; a cycle is broken at its smallest key."""
    items = {(o.kind, o.name): o for o in objects}
    names: dict[str, list[Key]] = {}
    for key in items:
        names.setdefault(key[1], []).append(key)
    needs: dict[Key, set[Key]] = {
        key: {d for n in obj.depends_on for d in names.get(n, ()) if d != key}
        for key, obj in items.items()
    }
    users: dict[Key, set[Key]] = {key: set() for key in items}
    for key, required in needs.items():
        for dep in required:
            users[dep].add(key)
    ready = [(sort_key(items[k]), k) for k, req in needs.items() if not req]
    heapq.heapify(ready)
    out: list[DbObject] = []
    waiting = {k: set(req) for k, req in needs.items() if req}
    while ready or waiting:
        if not ready:  # a cycle: take the smallest and go on
            key = min(waiting, key=lambda k: sort_key(items[k]))
            del waiting[key]
            heapq.heappush(ready, (sort_key(items[key]), key))
        _, key = heapq.heappop(ready)
        out.append(items[key])
        for user in users[key]:
            if user in waiting:
                waiting[user].discard(key)
                if not waiting[user]:
                    del waiting[user]
                    heapq.heappush(ready, (sort_key(items[user]), user))
    return out
