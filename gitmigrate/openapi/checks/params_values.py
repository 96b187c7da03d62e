"""Request parameter values: enum values added or removed (of the parameter and of its object
properties), a parameter restricted to an enum, `x-extensible-enum` values removed, default
values and patterns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.params_walk import nested, schema_changes

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.schemadiff import SchemaDiff


def _values(schema: dict[str, Any] | None, keyword: str) -> list[Any] | None:
    found = (schema or {}).get(keyword)
    return found if isinstance(found, list) else None


def _missing(values: list[Any], others: list[Any]) -> list[Any]:
    return [v for v in values if not any(_same(v, o) for o in others)]


def _same(a: Any, b: Any) -> bool:
    return (
        type(a) is type(b)
        and a == b
        or (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and not isinstance(a, bool)
            and not isinstance(b, bool)
            and a == b
        )
    )


def enum_diff(d: SchemaDiff) -> tuple[list[Any], list[Any]]:
    """(added, removed) enum values; none removed when the enum itself is gone (that widens)."""
    before, after = _values(d.base, "enum"), _values(d.revision, "enum")
    if before == after:
        return [], []
    added = _missing(after or [], before or [])
    removed = _missing(before, after) if before and after is not None else []
    return added, removed


@check("RequestParameterEnumValueUpdatedCheck")
def request_parameter_enum_value_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterEnumValueUpdatedCheck"
    for visit, d in schema_changes(ctx):
        targets = [("", d)] + [(p.full_name, p.diff) for p in nested(d) if p.diff]
        for prop, pd in targets:
            if not pd.both:
                continue
            kind = "request-parameter-property" if prop else "request-parameter"
            what = f"{visit.label} property '{prop}'" if prop else visit.label
            extra = {"property": prop} if prop else {}
            added, removed = enum_diff(pd)
            for value in removed:
                yield ctx.change(
                    name,
                    f"{kind}-enum-value-removed",
                    f"removed the enum value '{value}' of {what}",
                    op=visit.op,
                    at=pd.base,
                    **visit.details(value=value, **extra),
                )
            for value in added:
                yield ctx.change(
                    name,
                    f"{kind}-enum-value-added",
                    f"added the enum value '{value}' to {what}",
                    op=visit.op,
                    at=pd.revision,
                    **visit.details(value=value, **extra),
                )


@check("RequestParameterBecameEnumCheck")
def request_parameter_became_enum(ctx: DiffContext) -> Iterator[ApiChange]:
    for visit, d in schema_changes(ctx):
        if _values(d.base, "enum") is None and _values(d.revision, "enum") is not None:
            yield ctx.change(
                "RequestParameterBecameEnumCheck",
                "request-parameter-became-enum",
                f"{visit.label} was restricted to a list of enum values",
                op=visit.op,
                at=d.revision,
                **visit.details(),
            )


@check("RequestParameterXExtensibleEnumValueRemovedCheck")
def request_parameter_x_extensible_enum_value_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    for visit, d in schema_changes(ctx):
        before, after = (
            _values(d.base, "x-extensible-enum"),
            _values(d.revision, "x-extensible-enum"),
        )
        if before is None or after is None:
            continue
        for value in _missing(before, after):
            yield ctx.change(
                "RequestParameterXExtensibleEnumValueRemovedCheck",
                "request-parameter-x-extensible-enum-value-removed",
                f"removed the x-extensible-enum value '{value}' of {visit.label}",
                op=visit.op,
                at=d.base,
                **visit.details(value=value),
            )


@check("RequestParameterDefaultValueChangedCheck")
def request_parameter_default_value_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    for visit, d in schema_changes(ctx):
        found = d.value("default")
        if found is None:
            continue
        before, after = found
        if before is None:
            id, text = "added", f"{visit.label} default value '{after}' was added"
        elif after is None:
            id, text = "removed", f"{visit.label} default value '{before}' was removed"
        else:
            id, text = (
                "changed",
                f"{visit.label} default value changed from '{before}' to '{after}'",
            )
        yield ctx.change(
            "RequestParameterDefaultValueChangedCheck",
            f"request-parameter-default-value-{id}",
            text,
            op=visit.op,
            at=d.revision,
            **visit.details(before=before, after=after),
        )


@check("RequestParameterPatternAddedOrChangedCheck")
def request_parameter_pattern_added_or_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    for visit, d in schema_changes(ctx):
        found = d.value("pattern")
        if found is None:
            continue
        before, after = found
        if not before:
            id, text = "added", f"added the pattern '{after}' to {visit.label}"
        elif not after:
            id, text = "removed", f"removed the pattern '{before}' from {visit.label}"
        elif after == ".*":
            id, text = "generalized", f"{visit.label} pattern generalized from '{before}' to '.*'"
        else:
            id, text = "changed", f"{visit.label} pattern changed from '{before}' to '{after}'"
        yield ctx.change(
            "RequestParameterPatternAddedOrChangedCheck",
            f"request-parameter-pattern-{id}",
            text,
            op=visit.op,
            at=d.revision,
            **visit.details(before=before, after=after),
        )
