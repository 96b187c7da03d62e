"""Stability-level changes (`x-stability-level`, draft < alpha < beta < stable) of endpoints and
of request and response properties, and invalid levels. A change is reported when the level it
leaves is within the run's `stability_level`: a stable endpoint becoming draft is reported by
default, a draft one becoming stable only when drafts are checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.endpoint_scope import modified, responses
from gitmigrate.openapi.checks.lifecycle import RANK, InvalidStability, included, label, stability
from gitmigrate.openapi.checks.params_walk import nested

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import OperationDiff, OperationRef
    from gitmigrate.openapi.schemadiff import SchemaDiff

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


def _property_changes(
    ctx: DiffContext, name: str, op: OperationDiff, schema: SchemaDiff | None, side: str
) -> Iterator[ApiChange]:
    for visit in nested(schema) if schema else ():
        diff = visit.diff
        if diff is None or diff.base is None or diff.revision is None:
            continue
        if _extensions(diff.base) == _extensions(diff.revision):
            continue
        try:
            before, after = label(stability(diff.base)), label(stability(diff.revision))
        except InvalidStability as exc:
            yield ctx.change(
                name, INVALID, f"failed to parse stability level: '{exc}'", op=op, at=diff.revision
            )
            continue
        if before == after or not included(ctx.options, before):
            continue
        trend = "decreased" if RANK[after] < RANK[before] else "increased"
        yield ctx.change(
            name,
            f"{side}-property-stability-{trend}",
            f"{side} property '{visit.full_name}' stability level changed "
            f"from '{before}' to '{after}'",
            op=op,
            at=diff.revision,
            property=visit.full_name,
            before=before,
            after=after,
        )


def _extensions(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if str(key).startswith("x-")}


@check("RequestPropertyStabilityUpdatedCheck")
def request_property_stability_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestPropertyStabilityUpdatedCheck"
    for op in modified(ctx):
        body = op.request_body()
        for media in body.media_types.modified.values() if body else ():
            yield from _property_changes(ctx, name, op, media.schema, "request")


@check("ResponsePropertyStabilityUpdatedCheck")
def response_property_stability_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "ResponsePropertyStabilityUpdatedCheck"
    for op in modified(ctx):
        for response in responses(op).modified.values():
            for media in response.media_types.modified.values():
                yield from _property_changes(ctx, name, op, media.schema, "response")
