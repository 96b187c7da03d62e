"""Single-value keywords of request and response bodies and properties: const, default,
pattern, and nullability (3.0's `nullable` or 3.1's "null" type, judged alike). Each keyword
is added, changed or removed; the id says which, on the body or on a property."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks.values_common import bodies, flag, nullable, props, register_sides
from gitmigrate.openapi.checks.values_nullwrap import null_wrap

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.schemadiff import SchemaDiff


def movement(base: dict[str, Any], revision: dict[str, Any], key: str) -> str:
    """ "added", "removed", "changed" or "" for one keyword of two schemas."""
    a, b = base.get(key), revision.get(key)
    if key == "pattern":  # an empty pattern constrains nothing
        a, b = a or None, b or None
    if a is None and b is None:
        return ""
    if a is None:
        return "added"
    if b is None:
        return "removed"
    same = (a is b) if isinstance(a, bool) or isinstance(b, bool) else a == b
    return "" if same else "changed"


def _said(key: str, move: str, a: Any, b: Any) -> str:
    if move == "added":
        return f"{key} {b!r} was added"
    if move == "removed":
        return f"{key} {a!r} was removed"
    return f"{key} changed from {a!r} to {b!r}"


def _keyword_changes(
    ctx: DiffContext, name: str, request: bool, *, key: str, stem: str
) -> Iterator[ApiChange]:
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        assert body.diff.base is not None and body.diff.revision is not None
        move = movement(body.diff.base, body.diff.revision, key)
        if move:
            a, b = body.diff.base.get(key), body.diff.revision.get(key)
            yield body.report(
                name, f"{side}-body-{stem}-{move}", "body " + _said(key, move, a, b),
                keyword=key, before=a, after=b,
            )  # fmt: skip
        for prop in props(body):
            move = movement(prop.base, prop.revision, key)
            if move:
                a, b = prop.base.get(key), prop.revision.get(key)
                yield body.about(
                    name, f"{side}-property-{stem}-{move}", prop.name, _said(key, move, a, b),
                    at=prop.revision, keyword=key, before=a, after=b,
                )  # fmt: skip


def _pattern_changes(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    """A property's pattern; on requests a change to ".*" only generalizes."""
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        for prop in props(body):
            move = movement(prop.base, prop.revision, "pattern")
            if not move:
                continue
            a, b = prop.base.get("pattern"), prop.revision.get("pattern")
            said = _said("pattern", move, a, b)
            if request and move == "changed" and b == ".*":
                move = "generalized"
            yield body.about(
                name, f"{side}-property-pattern-{move}", prop.name, said, at=prop.revision,
                before=a, after=b,
            )  # fmt: skip


def untyped(schema: dict[str, Any] | None) -> bool:
    """No type and no `nullable`: any value is accepted, null included."""
    return schema is not None and "type" not in schema and "nullable" not in schema


def _nullable_changes(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"

    def became(diff: SchemaDiff) -> str:
        if wrap := null_wrap(diff):
            return wrap
        was, now = nullable(diff.base), nullable(diff.revision)
        if untyped(diff.base) or untyped(diff.revision):  # it accepts null already (#1004):
            was, now = flag(diff.base, "nullable"), flag(diff.revision, "nullable")  # 3.0 only
        return "" if was == now else ("nullable" if now else "not-nullable")

    for body in bodies(ctx, request, wrapped=True):
        move = became(body.diff)
        if move:
            yield body.report(name, f"{side}-body-became-{move}", f"body became {move}")
        for prop in props(body, wrapped=True):
            move = became(prop.diff)
            if move:
                yield body.about(
                    name, f"{side}-property-became-{move}", prop.name, f"became {move}",
                    at=prop.revision,
                )  # fmt: skip


register_sides(
    partial(_keyword_changes, key="const", stem="const"), "RequestPropertyConstChangedCheck",
    "ResponsePropertyConstChangedCheck", "A body's or property's `const` added, changed or removed",
)  # fmt: skip
register_sides(
    partial(_keyword_changes, key="default", stem="default-value"),
    "RequestPropertyDefaultValueChangedCheck", "ResponsePropertyDefaultValueChangedCheck",
    "A body's or property's default added, changed or removed",
)  # fmt: skip
register_sides(
    _pattern_changes, "RequestPropertyPatternUpdatedCheck", "ResponsePatternAddedOrChangedCheck",
    "A property's pattern added, changed or removed",
)  # fmt: skip
register_sides(
    _nullable_changes, "RequestPropertyBecameNotNullableCheck",
    "ResponsePropertyBecameNullableCheck", "A body or property that became nullable or not",
)  # fmt: skip
