"""Stability-level changes (`x-stability-level`, draft < alpha < beta < stable) of endpoints, and
invalid levels (those of properties are the property value checks' job). A change is reported when the level it
leaves is within the run's `stability_level`: a stable endpoint becoming draft is reported by
default, a draft one becoming stable only when drafts are checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.lifecycle import RANK, InvalidStability, included, label, stability

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import OperationDiff, OperationRef

INVALID = "api-invalid-stability-level"


def _invalid(
    ctx: DiffContext, name: str, op: OperationDiff | OperationRef, element: Any
) -> ApiChange | None:
    try:
        stability(element)
    except InvalidStability as exc:
        return ctx.change(
            name, INVALID, f"failed to parse stability level: '{exc}'", op=op, at=element
        )
    return None


def invalid_stability(ctx: DiffContext, name: str) -> Iterator[ApiChange]:
    """api-invalid-stability-level for every changed or removed operation with an unknown level
    (whatever the run's stability level: the level itself cannot be read)."""
    for op in ctx.modified_operations():
        if op.changed:  # oasdiff looks only at operations that differ
            for element in (op.base, op.revision):
                change = _invalid(ctx, name, op, element)
                if change is not None:
                    yield change
    for ref in ctx.deleted_operations():  # removed paths and removed operations alike
        change = _invalid(ctx, name, ref, ref.operation)
        if change is not None:
            yield change


@check("APIStabilityLevelCheck")
def api_stability_level(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APIStabilityLevelCheck"
    for op in ctx.modified_operations():
        if not op.changed:
            continue
        try:
            before, after = label(stability(op.base)), label(stability(op.revision))
        except InvalidStability:
            continue  # reported by the deprecation check, which owns the id
        if before == after or not included(ctx.options, before):
            continue
        id = "api-stability-decreased" if RANK[after] < RANK[before] else "api-stability-increased"
        yield ctx.change(
            name,
            id,
            f"endpoint stability level changed from '{before}' to '{after}'",
            op=op,
            at=op.revision,
            before=before,
            after=after,
        )
