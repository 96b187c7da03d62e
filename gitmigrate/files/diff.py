"""Semantic diff of two configurations: what was added, removed or changed, per key path, so a
review reads `server.port: 8080 -> 9090` instead of a line diff of reformatted files.

Containers are walked (mappings by key, lists by index); a leaf, or an empty container, is one
change. A value whose type changed between a container and anything else is reported as its
old leaves removed and its new leaves added. Values under a secret path are never carried:
`old`/`new` are HIDDEN, so a printed diff cannot leak them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from gitmigrate.files.keypath import KeyPath

HIDDEN = "(hidden)"

What = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    path: KeyPath
    what: What
    old: Any  # None for "added"; HIDDEN for a secret
    new: Any  # None for "removed"; HIDDEN for a secret
    hidden: bool = False


def diff_data(a: Any, b: Any, *, secret: Callable[[KeyPath], bool] | None = None) -> list[Change]:
    """Every difference between `a` and `b` in the order of `a` (then the keys only `b` has).
    `secret(path)` true for a path or one of its ancestors hides that change's values."""
    changes = list(_walk(a, b, ()))
    if secret is None:
        return changes
    return [_hide(change) if _is_secret(change.path, secret) else change for change in changes]


def same(a: Any, b: Any) -> bool:
    """Equal values of the same type: 1, 1.0 and True differ in a config file."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _walk(a: Any, b: Any, path: KeyPath) -> Iterator[Change]:
    if isinstance(a, dict) and isinstance(b, dict) and (a or b):
        for key, value in a.items():
            if key in b:
                yield from _walk(value, b[key], (*path, key))
            else:
                yield from _leaves(value, (*path, key), "removed")
        for key, value in b.items():
            if key not in a:
                yield from _leaves(value, (*path, key), "added")
    elif isinstance(a, list) and isinstance(b, list) and (a or b):
        for index in range(max(len(a), len(b))):
            if index >= len(b):
                yield from _leaves(a[index], (*path, index), "removed")
            elif index >= len(a):
                yield from _leaves(b[index], (*path, index), "added")
            else:
                yield from _walk(a[index], b[index], (*path, index))
    elif _is_branch(a) or _is_branch(b):
        if not same(a, b):
            yield from _leaves(a, path, "removed")
            yield from _leaves(b, path, "added")
    elif not same(a, b):
        yield Change(path, "changed", a, b)


def _is_branch(value: Any) -> bool:
    return isinstance(value, dict | list) and bool(value)


def _leaves(value: Any, path: KeyPath, what: What) -> Iterator[Change]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, (*path, key), what)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index), what)
    elif what == "added":
        yield Change(path, what, None, value)
    else:
        yield Change(path, what, value, None)


def _is_secret(path: KeyPath, secret: Callable[[KeyPath], bool]) -> bool:
    return any(secret(path[:depth]) for depth in range(1, len(path) + 1))


def _hide(change: Change) -> Change:
    old = None if change.what == "added" else HIDDEN
    new = None if change.what == "removed" else HIDDEN
    return Change(change.path, change.what, old, new, hidden=True)
