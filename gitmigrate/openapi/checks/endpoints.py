"""Endpoint-level checks: operations added and removed (a removal is breaking unless the
operation was deprecated and its sunset date has passed), deprecation and sunset changes,
operation ids and tags. Dates are compared with `DiffOptions.today`, so a run is reproducible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.endpoint_scope import modified, removed
from gitmigrate.openapi.checks.stability import invalid_stability
from gitmigrate.openapi.lifecycle import (
    SUNSET,
    deprecation_days,
    note,
    safe_stability,
    stability,
    sunset_date,
)

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


@check("APIAddedCheck")
def api_added(ctx: DiffContext) -> Iterator[ApiChange]:
    for ref in ctx.added_operations():
        yield ctx.change(
            "APIAddedCheck",
            "endpoint-added",
            f"endpoint {ref.method} {ref.path} added",
            op=ref,
            at=ref.operation,
        )


def _removal(operation: dict[str, Any], whole_path: bool, today: dt.date) -> tuple[str, str] | None:
    """(id, text) for a removed operation, None when its sunset date has passed."""
    what, prefix = ("api path", "api-path") if whole_path else ("api", "api")
    if not operation.get("deprecated"):
        return f"{prefix}-removed-without-deprecation", f"{what} removed without deprecation"
    if SUNSET not in operation:
        return f"{prefix}-removed-with-deprecation", f"{what} removed with deprecation"
    try:
        date = sunset_date(operation[SUNSET])
    except ValueError as exc:
        return "api-path-sunset-parse", f"failed to parse sunset date: '{exc}'"
    if today < date:
        return f"{prefix}-removed-before-sunset", f"{what} removed before the sunset date '{date}'"
    return None


@check("APIRemovedCheck")
def api_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    for ref, whole_path in removed(ctx):
        if whole_path and safe_stability(ref.operation) in (None, "draft", "alpha"):
            continue  # oasdiff lets draft and alpha endpoints of a removed path go silently
        found = _removal(ref.operation, whole_path, ctx.options.today)
        if found is not None:
            id, text = found
            yield ctx.change("APIRemovedCheck", id, text, op=ref, at=ref.operation)


@check("APIDeprecationCheck")
def api_deprecation(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APIDeprecationCheck"
    yield from invalid_stability(ctx, name)
    for op in modified(ctx):
        before, after = bool(op.base.get("deprecated")), bool(op.revision.get("deprecated"))
        if before == after:
            continue
        at = op.revision
        if not after:
            yield ctx.change(
                name, "endpoint-reactivated", f"endpoint reactivated{note(at)}", op=op, at=at
            )
            continue
        level = safe_stability(op.revision)
        if level is None:
            continue  # reported by the stability check
        days = deprecation_days(ctx.options, level)
        if SUNSET not in op.revision:
            if days > 0:
                yield ctx.change(
                    name,
                    "api-deprecated-sunset-missing",
                    "api deprecated without a sunset date",
                    op=op,
                    at=at,
                )
            else:
                yield ctx.change(
                    name, "endpoint-deprecated", f"endpoint deprecated{note(at)}", op=op, at=at
                )
            continue
        try:
            date = sunset_date(op.revision[SUNSET])
        except ValueError as exc:
            yield ctx.change(
                name,
                "api-deprecated-sunset-parse",
                f"failed to parse sunset date: '{exc}'",
                op=op,
                at=at,
            )
            continue
        if (date - ctx.options.today).days < days:
            yield ctx.change(
                name,
                "api-sunset-date-too-small",
                f"api sunset date '{date}' is too small, must be at least '{days}' days from now",
                op=op,
                at=at,
                sunset=date.isoformat(),
                min_days=days,
            )
            continue
        yield ctx.change(
            name,
            "endpoint-deprecated-with-sunset",
            f"endpoint deprecated{note(at, date)}",
            op=op,
            at=at,
            sunset=date.isoformat(),
        )


@check("APISunsetChangedCheck")
def api_sunset_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APISunsetChangedCheck"
    for op in modified(ctx):
        if not op.revision.get("deprecated"):
            continue
        before, after = op.base.get(SUNSET), op.revision.get(SUNSET)
        if SUNSET in op.base and SUNSET not in op.revision:
            yield ctx.change(
                name, "sunset-deleted", "api sunset date deleted", op=op, at=op.revision
            )
            continue
        if SUNSET not in op.base or SUNSET not in op.revision or before == after:
            continue
        try:
            date = sunset_date(after)
            base_date = sunset_date(before)
        except ValueError as exc:
            yield ctx.change(
                name,
                "api-path-sunset-parse",
                f"failed to parse sunset date: '{exc}'",
                op=op,
                at=op.revision,
            )
            continue
        try:
            days = deprecation_days(ctx.options, stability(op.revision))
        except ValueError:
            continue  # reported by the stability check
        if base_date > date and (date - ctx.options.today).days < days:
            yield ctx.change(
                name,
                "api-sunset-date-changed-too-small",
                f"api sunset date changed to earlier date from '{base_date}' to '{date}', "
                f"new sunset date must be not earlier than '{base_date}' "
                f"at least '{days}' days from now",
                op=op,
                at=op.revision,
                before=base_date.isoformat(),
                after=date.isoformat(),
            )


@check("APIOperationIdUpdatedCheck")
def api_operation_id_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APIOperationIdUpdatedCheck"
    for op in modified(ctx):
        before, after = op.base.get("operationId") or "", op.revision.get("operationId") or ""
        if before == after:
            continue
        if not before:
            yield ctx.change(
                name,
                "api-operation-id-added",
                f"api operation id '{after}' was added",
                op=op,
                at=op.revision,
                after=after,
            )
        else:
            yield ctx.change(
                name,
                "api-operation-id-removed",
                f"api operation id '{before}' removed and replaced with '{after}'",
                op=op,
                at=op.base,
                before=before,
                after=after,
            )


@check("APITagUpdatedCheck")
def api_tag_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APITagUpdatedCheck"
    for op in modified(ctx):
        before = [str(tag) for tag in op.base.get("tags") or ()]
        after = [str(tag) for tag in op.revision.get("tags") or ()]
        for tag in before:
            if tag not in after:
                yield ctx.change(
                    name, "api-tag-removed", f"api tag '{tag}' removed", op=op, at=op.base, tag=tag
                )
        for tag in after:
            if tag not in before:
                yield ctx.change(
                    name, "api-tag-added", f"api tag '{tag}' added", op=op, at=op.revision, tag=tag
                )
