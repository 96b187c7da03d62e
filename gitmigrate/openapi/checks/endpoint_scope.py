"""Which operations the endpoint and parameter checks look at, after oasdiff's stability policy:
an operation whose revision is below the run's `stability_level` is not checked, and a removed
operation counts only when its base was at or above it (a removed path counts when one of its
operations was). An invalid `x-stability-level` keeps a modified operation in (its error is
reported by the stability check) and keeps a removed one out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from gitmigrate.openapi.checks.lifecycle import included, safe_stability

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.operations import (
        OperationDiff,
        OperationRef,
        ParametersDiff,
        ResponsesDiff,
    )

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{[^}]*\}")


def template(path: str) -> str:
    """The path with its parameter names blanked: `/pets/{id}` and `/pets/{petId}` are one."""
    return _PARAM.sub("{}", path)


def path_items(doc: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """template -> (path as written, path item) of a spec document."""
    paths = doc.get("paths")
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            found.setdefault(template(str(path)), (str(path), item))
    return found


def operations_of(item: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(METHOD, operation) of a path item."""
    for method in METHODS:
        if isinstance(item.get(method), dict):
            yield method.upper(), item[method]


_MODIFIED: WeakKeyDictionary[DiffContext, list[OperationDiff]] = WeakKeyDictionary()


def modified(ctx: DiffContext) -> list[OperationDiff]:
    """Operations in both specs whose revision is within the run's stability level (worked
    out once per diff: every endpoint and parameter check asks)."""
    if ctx not in _MODIFIED:
        found = []
        for op in ctx.modified_operations():
            level = safe_stability(op.revision)
            if level is None or included(ctx.options, level):
                found.append(op)
        _MODIFIED[ctx] = found
    return list(_MODIFIED[ctx])


_PARAMETERS: WeakKeyDictionary[OperationDiff, ParametersDiff] = WeakKeyDictionary()
_RESPONSES: WeakKeyDictionary[OperationDiff, ResponsesDiff] = WeakKeyDictionary()


def parameters(op: OperationDiff) -> ParametersDiff:
    """The operation's parameter diff, paired once for all the checks that ask."""
    if op not in _PARAMETERS:
        _PARAMETERS[op] = op.parameters()
    return _PARAMETERS[op]


def responses(op: OperationDiff) -> ResponsesDiff:
    """The operation's response diff, paired once for all the checks that ask."""
    if op not in _RESPONSES:
        _RESPONSES[op] = op.responses()
    return _RESPONSES[op]


def removed(ctx: DiffContext) -> list[tuple[OperationRef, bool]]:
    """(operation, whole path removed) of the removed operations within the stability level."""
    found = []
    base_items, revision_items = path_items(ctx.base.doc), path_items(ctx.revision.doc)
    for ref in ctx.deleted_operations():
        whole_path = template(ref.path) not in revision_items
        if whole_path:
            item = base_items.get(template(ref.path), ("", {}))[1]
            levels = [safe_stability(operation) for _, operation in operations_of(item)]
            keep = any(lvl is not None and included(ctx.options, lvl) for lvl in levels)
        else:
            level = safe_stability(ref.operation)
            keep = level is not None and included(ctx.options, level)
        if keep:
            found.append((ref, whole_path))
    return found
