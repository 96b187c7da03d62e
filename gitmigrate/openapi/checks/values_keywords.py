"""Single-value keywords of request and response bodies and properties: const, default,
pattern, and nullability (3.0's `nullable` or 3.1's "null" type, judged alike). Each keyword
is added, changed or removed; the id says which, on the body or on a property."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import Body, bodies, nullable, props

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


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


def _keyword_changes(ctx: DiffContext, name: str, request: bool, key: str, stem: str
                     ) -> Iterator[ApiChange]:  # fmt: skip
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
                yield body.report(
                    name, f"{side}-property-{stem}-{move}",
                    f"property `{prop.name}` " + _said(key, move, a, b),
                    at=prop.revision, property=prop.name, keyword=key, before=a, after=b,
                )  # fmt: skip


@check("RequestPropertyConstChangedCheck")
def request_property_const_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request body's or property's `const` added, changed or removed."""
    return _keyword_changes(ctx, "RequestPropertyConstChangedCheck", True, "const", "const")


@check("ResponsePropertyConstChangedCheck")
def response_property_const_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A response body's or property's `const` added, changed or removed."""
    return _keyword_changes(ctx, "ResponsePropertyConstChangedCheck", False, "const", "const")


@check("RequestPropertyDefaultValueChangedCheck")
def request_property_default_value_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request body's or property's default added, changed or removed."""
    return _keyword_changes(
        ctx, "RequestPropertyDefaultValueChangedCheck", True, "default", "default-value"
    )


@check("ResponsePropertyDefaultValueChangedCheck")
def response_property_default_value_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A response body's or property's default added, changed or removed."""
    return _keyword_changes(
        ctx, "ResponsePropertyDefaultValueChangedCheck", False, "default", "default-value"
    )


@check("RequestPropertyPatternUpdatedCheck")
def request_property_pattern_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request property's pattern: a new or changed one may reject what clients send."""
    name = "RequestPropertyPatternUpdatedCheck"
    for body in bodies(ctx, True):
        for prop in props(body):
            move = movement(prop.base, prop.revision, "pattern")
            if not move:
                continue
            a, b = prop.base.get("pattern"), prop.revision.get("pattern")
            if move == "changed" and b == ".*":
                move = "generalized"
            yield body.report(
                name, f"request-property-pattern-{move}",
                f"property `{prop.name}` " + _said("pattern", move, a, b),
                at=prop.revision, property=prop.name, before=a, after=b,
            )  # fmt: skip


@check("ResponsePatternAddedOrChangedCheck")
def response_pattern_added_or_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A response property's pattern added, changed or removed (informational)."""
    name = "ResponsePatternAddedOrChangedCheck"
    for body in bodies(ctx, False):
        for prop in props(body):
            move = movement(prop.base, prop.revision, "pattern")
            if move:
                a, b = prop.base.get("pattern"), prop.revision.get("pattern")
                yield body.report(
                    name, f"response-property-pattern-{move}",
                    f"property `{prop.name}` " + _said("pattern", move, a, b),
                    at=prop.revision, property=prop.name, before=a, after=b,
                )  # fmt: skip


def _nullable_changes(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"

    def became(body: Body, base: dict[str, Any], revision: dict[str, Any]) -> str:
        was, now = nullable(base), nullable(revision)
        return "" if was == now else ("nullable" if now else "not-nullable")

    for body in bodies(ctx, request):
        assert body.diff.base is not None and body.diff.revision is not None
        move = became(body, body.diff.base, body.diff.revision)
        if move:
            yield body.report(name, f"{side}-body-became-{move}", f"body became {move}")
        for prop in props(body):
            move = became(body, prop.base, prop.revision)
            if move:
                yield body.report(
                    name, f"{side}-property-became-{move}",
                    f"property `{prop.name}` became {move}", at=prop.revision, property=prop.name,
                )  # fmt: skip


@check("RequestPropertyBecameNotNullableCheck")
def request_property_became_not_nullable(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request body or property that no longer accepts null (or newly does)."""
    return _nullable_changes(ctx, "RequestPropertyBecameNotNullableCheck", True)


@check("ResponsePropertyBecameNullableCheck")
def response_property_became_nullable(ctx: DiffContext) -> Iterator[ApiChange]:
    """A response body or property that may now be null (or no longer may)."""
    return _nullable_changes(ctx, "ResponsePropertyBecameNullableCheck", False)
