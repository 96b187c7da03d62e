"""Which operations the endpoint and parameter checks look at, after oasdiff's stability policy:
an operation whose revision is below the run's `stability_level` is not checked, and a removed
operation counts only when its base was at or above it (a removed path counts when one of its
operations was). An invalid `x-stability-level` keeps a modified operation in (its error is
reported by the stability check) and keeps a removed one out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.lifecycle import included, safe_stability
from gitmigrate.openapi.operations import METHODS, template

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.operations import (
        OperationDiff,
        OperationRef,
        ParametersDiff,
        ResponsesDiff,
    )


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


def modified(ctx: DiffContext) -> list[OperationDiff]:
    """Operations in both specs whose revision is within the run's stability level."""
    return ctx.checked_operations()


def parameters(op: OperationDiff) -> ParametersDiff:
    return op.parameters()


def responses(op: OperationDiff) -> ResponsesDiff:
    return op.responses()


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
