"""Request parameter types: type or format changes, a single type becoming a list of types
(oneOf/anyOf of scalars) or back, and nullability, of the parameter and of the properties of an
object parameter.

A parameter travels as text (query, path, header, cookie), so changing its type to string or
widening its number format accepts every value it did; the properties of an object parameter
may travel as JSON instead (where `1` is not `"1"`), so when the two readings disagree the change
is a warning (oasdiff's "property type changed").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.composed_patterns import list_of_types_changed
from gitmigrate.openapi.checks.params_walk import ParamVisit, nested, schema_changes
from gitmigrate.openapi.equivalence import validation_equivalent
from gitmigrate.openapi.schemadiff import schema_diff

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.equivalence import validation_equivalent
    from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.schemadiff import SchemaDiff

_WIDER_FORMATS = {
    "number": {("double", "float")},
    "integer": {("int64", "int32"), ("bigint", "int32"), ("bigint", "int64")},
    "string": {("date-time", "date"), ("date-time", "time")},
}


def types(schema: dict[str, Any] | None) -> list[str]:
    """The schema's `type` as a list ([] when it has none)."""
    value = (schema or {}).get("type")
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value is not None else []


def _subtype(sub: str, sup: str) -> bool:
    return sub == sup or (sub == "integer" and sup == "number")


def _type_contained(to: list[str], old: list[str], strongly_typed: bool) -> bool:
    if len(to) == 1 and len(old) == 1 and _subtype(old[0], to[0]):
        return True
    if not strongly_typed:
        return not to or to == ["string"]
    return False


def _format_contained(to_types: list[str], to: Any, old: Any) -> bool:
    if not to:
        return True
    if len(to_types) != 1:
        return False
    return (to, old) in _WIDER_FORMATS.get(to_types[0], set())


def type_diff(d: SchemaDiff) -> tuple[list[str], list[str]] | None:
    """(added, deleted) types, leaving out "null" (nullability has its own check)."""
    before, after = types(d.base), types(d.revision)
    added = [t for t in after if t not in before and t != "null"]
    deleted = [t for t in before if t not in after and t != "null"]
    return (added, deleted) if added or deleted else None


def breaking(d: SchemaDiff, strongly_typed: bool) -> bool:
    """Whether the type or format change of `d` can reject a value the base accepted."""
    changed = type_diff(d)
    formats = d.value("format")
    type_breaking = changed is not None and not _type_contained(
        changed[0], changed[1], strongly_typed
    )
    format_breaking = formats is not None and not _format_contained(
        types(d.revision), formats[1], formats[0]
    )
    return type_breaking or format_breaking


def _listed_types(schema: dict[str, Any] | None) -> set[str]:
    """The types a schema names: its `type`, or those of its oneOf/anyOf entries."""
    found = set(types(schema))
    for keyword in ("oneOf", "anyOf"):
        for sub in (schema or {}).get(keyword) or ():
            found.update(types(sub) if isinstance(sub, dict) else ())
    return found


def list_of_types_diff(d: SchemaDiff) -> tuple[list[str], list[str]] | None:
    """(added, deleted) types when a single type became a list of types (oneOf/anyOf of bare
    types) or the other way; the same shape the composed checks leave to this check."""
    if not list_of_types_changed(d.base, d.revision):
        return None
    before, after = _listed_types(d.base), _listed_types(d.revision)
    added, deleted = sorted(after - before), sorted(before - after)
    return (added, deleted) if added or deleted else None


def _form_explode(param: dict[str, Any]) -> bool:
    location = param.get("in")
    style = param.get("style") or ("form" if location in ("query", "cookie") else "simple")
    explode = param.get("explode", style == "form")
    return style == "form" and bool(explode)


def scalar_to_form_array(visit: ParamVisit, d: SchemaDiff) -> bool:
    """A scalar query parameter that became an array of that scalar, sent `?a=1&a=2`: the old
    `?a=1` is a one-element array, so every old call still works."""
    changed = type_diff(d)
    base_types = [t for t in types(d.base) if t != "null"]
    if changed is None or changed[0] != ["array"] or not base_types:
        return False
    if not _form_explode(visit.revision):
        return False
    items = (d.revision or {}).get("items")
    if not isinstance(items, dict) or not d.base:
        return False
    item_types = [t for t in types(items) if t != "null"]
    if not _type_contained(item_types, base_types, False):
        return False
    untyped = [
        {k: v for k, v in s.items() if k not in ("type", "nullable")} for s in (d.base, items)
    ]
    return validation_equivalent(*untyped)


@check("RequestParameterTypeChangedCheck")
def request_parameter_type_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterTypeChangedCheck"
    for visit, d in schema_changes(ctx):
        wrapped = _null_wrapped(d.revision, d.base) or _null_wrapped(d.base, d.revision)
        if (type_diff(d) or d.value("format")) and list_of_types_diff(d) is None and not wrapped:
            id = "request-parameter-type-generalized"
            if breaking(d, False) and not scalar_to_form_array(visit, d):
                id = "request-parameter-type-changed"
            yield ctx.change(
                name,
                id,
                f"{visit.label} type/format changed from {_shown(d.base)} to {_shown(d.revision)}",
                op=visit.op,
                at=d.revision,
                **visit.details(),
            )
        for prop in nested(d):
            pd = prop.diff
            if pd is None or not pd.both or list_of_types_diff(pd) is not None:
                continue
            if not (type_diff(pd) or pd.value("format")):
                continue
            strong, weak = breaking(pd, True), breaking(pd, False)
            if strong != weak:
                id = "request-parameter-property-type-changed"
            elif strong:
                id = "request-parameter-property-type-specialized"
            else:
                id = "request-parameter-property-type-generalized"
            yield ctx.change(
                name,
                id,
                f"{visit.label} property '{prop.full_name}' type/format changed "
                f"from {_shown(pd.base)} to {_shown(pd.revision)}",
                op=visit.op,
                at=pd.revision,
                **visit.details(property=prop.full_name),
            )


def _shown(schema: dict[str, Any] | None) -> str:
    shown = "/".join(types(schema)) or "any"
    fmt = (schema or {}).get("format")
    return f"'{shown}/{fmt}'" if fmt else f"'{shown}'"


@check("RequestParameterListOfTypesChangedCheck")
def request_parameter_list_of_types_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterListOfTypesChangedCheck"
    for visit, d in schema_changes(ctx):
        targets = [("", d)] + [(p.full_name, p.diff) for p in nested(d) if p.diff is not None]
        for prop, pd in targets:
            found = list_of_types_diff(pd)
            if found is None:
                continue
            added, deleted = found
            trend = "narrowed" if deleted else "widened"
            kind = "request-parameter-property" if prop else "request-parameter"
            what = f"{visit.label} property '{prop}'" if prop else visit.label
            yield ctx.change(
                name,
                f"{kind}-list-of-types-{trend}",
                f"{what} list of types {trend}: {', '.join(deleted or added)}",
                op=visit.op,
                at=pd.revision,
                **visit.details(**({"property": prop} if prop else {})),
            )


def _null_wrapped(wrapper: dict[str, Any] | None, schema: dict[str, Any] | None) -> bool:
    """Whether `wrapper` is `oneOf: [{type: "null"}, <schema>]` (3.1's nullable wrapping)."""
    subs = (wrapper or {}).get("oneOf")
    if schema is None or "type" in (wrapper or {}) or not isinstance(subs, list) or len(subs) != 2:
        return False
    nulls = [sub for sub in subs if sub == {"type": "null"}]
    others = [sub for sub in subs if sub != {"type": "null"}]
    return len(nulls) == 1 and len(others) == 1 and schema_diff(others[0], schema) is None


def nullability(d: SchemaDiff) -> str:
    """Became "nullable", "not-nullable" or "" (unchanged): by the 3.0 `nullable` keyword,
    "null" in a 3.1 type list, or a oneOf with "null" wrapped around the schema (or removed)."""
    keyword = d.value("nullable")
    if keyword is not None:
        if keyword[0] is True:
            return "not-nullable"
        return "nullable" if keyword[1] is True else ""
    before, after = types(d.base), types(d.revision)
    if "null" in before and "null" not in after and after:
        return "not-nullable"
    if "null" in after and "null" not in before and before:
        return "nullable"
    if _null_wrapped(d.revision, d.base):
        return "nullable"
    if _null_wrapped(d.base, d.revision):
        return "not-nullable"
    return ""


@check("RequestParameterBecameNullableCheck")
def request_parameter_became_nullable(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterBecameNullableCheck"
    for visit, d in schema_changes(ctx):
        change = nullability(d)
        if change:
            yield ctx.change(
                name,
                f"request-parameter-became-{change}",
                f"{visit.label} became {change}",
                op=visit.op,
                at=d.revision,
                **visit.details(),
            )
        for prop in nested(d):
            pd = prop.diff
            if pd is None or not pd.both:
                continue
            change = nullability(pd)
            if change:
                yield ctx.change(
                    name,
                    f"request-parameter-property-became-{change}",
                    f"{visit.label} property '{prop.full_name}' became {change}",
                    op=visit.op,
                    at=pd.revision,
                    **visit.details(property=prop.full_name),
                )
