"""Enum changes of request bodies, response bodies, their properties and header parameters'
object properties. A request that loses a value rejects clients that send it; a response that
gains one surprises clients that switch over the values they know."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import (
    Prop,
    bodies,
    flag,
    operations,
    props,
    request_bodies,
)
from gitmigrate.openapi.schemadiff import modified_properties

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def enum_change(
    base: dict[str, Any] | None, revision: dict[str, Any] | None, key: str = "enum"
) -> tuple[list[Any], list[Any], bool] | None:
    """(added values, removed values, whether the keyword itself is new), None when equal."""
    a = base.get(key) if base is not None else None
    b = revision.get(key) if revision is not None else None
    old = a if isinstance(a, list) else []
    new = b if isinstance(b, list) else []
    added = [v for v in new if not any(_same(v, w) for w in old)]
    removed = [v for v in old if not any(_same(v, w) for w in new)]
    if not added and not removed:
        return None
    return added, removed, not isinstance(a, list) and isinstance(b, list)


def _property_values(
    ctx: DiffContext, name: str, request: bool, id_of: Callable[[Prop, bool], str | None],
    key: str = "enum",
) -> Iterator[ApiChange]:  # fmt: skip
    """Per property, a finding per enum value added or removed that `id_of(prop, added)` names."""
    for body in bodies(ctx, request):
        for prop in props(body):
            found = enum_change(prop.base, prop.revision, key)
            for added, values in ((False, found[1]), (True, found[0])) if found else ():
                id = id_of(prop, added)
                for value in values if id else ():
                    assert id is not None
                    verb = "added to" if added else "removed from"
                    yield body.report(
                        name, id, f"{key} value {value!r} {verb} property `{prop.name}`",
                        at=prop.revision, property=prop.name, value=value,
                    )  # fmt: skip


def _flagged(prop: Prop, keyword: str, plain: str, flagged: str) -> str:
    """`flagged` when the property is readOnly/writeOnly (`keyword`), else `plain`."""
    return flagged if flag(prop.revision, keyword) else plain


@check("RequestPropertyEnumValueUpdatedCheck")
def request_property_enum_value_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """Enum values added to or removed from a request property (removing one from a read-only
    property is only informational: clients do not send it)."""
    return _property_values(
        ctx, "RequestPropertyEnumValueUpdatedCheck", True,
        lambda prop, added: "request-property-enum-value-added" if added else _flagged(
            prop, "readOnly", "request-property-enum-value-removed",
            "request-read-only-property-enum-value-removed"),
    )  # fmt: skip


@check("ResponsePropertyEnumValueAddedCheck")
def response_property_enum_value_added(ctx: DiffContext) -> Iterator[ApiChange]:
    """Enum values added to a response property (write-only ones are not returned)."""
    return _property_values(
        ctx, "ResponsePropertyEnumValueAddedCheck", False,
        lambda prop, added: None if not added else _flagged(
            prop, "writeOnly", "response-property-enum-value-added",
            "response-write-only-property-enum-value-added"),
    )  # fmt: skip


@check("ResponseParameterEnumValueRemovedCheck")
def response_property_enum_value_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """Enum values a response property no longer returns (clients lose nothing)."""
    return _property_values(
        ctx, "ResponseParameterEnumValueRemovedCheck", False,
        lambda prop, added: None if added else "response-property-enum-value-removed",
    )  # fmt: skip


@check("RequestPropertyXExtensibleEnumValueRemovedCheck")
def request_property_x_extensible_enum_value_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """Values removed from a request property's x-extensible-enum (Zalando's open enum)."""
    return _property_values(
        ctx, "RequestPropertyXExtensibleEnumValueRemovedCheck", True,
        lambda prop, added: None if added else "request-property-x-extensible-enum-value-removed",
        key="x-extensible-enum",
    )  # fmt: skip


@check("RequestPropertyBecameEnumCheck")
def request_property_became_enum(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request property that accepted any value now accepts only listed ones."""
    for body in request_bodies(ctx):
        for prop in props(body):
            found = enum_change(prop.base, prop.revision)
            if found and found[2]:
                yield body.about(
                    "RequestPropertyBecameEnumCheck", "request-property-became-enum", prop.name,
                    "became an enum", at=prop.revision,
                )  # fmt: skip


@check("RequestBodyBecameEnumCheck")
def request_body_became_enum(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request body that accepted any value now accepts only listed ones."""
    for body in request_bodies(ctx):
        found = enum_change(body.diff.base, body.diff.revision)
        if found and found[2]:
            yield body.report(
                "RequestBodyBecameEnumCheck", "request-body-became-enum", "body became an enum"
            )


def _body_values_removed(ctx: DiffContext, name: str, id: str, request: bool
                         ) -> Iterator[ApiChange]:  # fmt: skip
    for body in bodies(ctx, request):
        found = enum_change(body.diff.base, body.diff.revision)
        for value in found[1] if found else ():
            yield body.report(
                name, id, f"enum value {value!r} removed from the body", value=value, level="info"
            )


@check("RequestBodyEnumValueRemovedCheck")
def request_body_enum_value_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """Values a request body no longer accepts. oasdiff lists this rule among its optional
    ones, reported at INFO unless the user raises it, so it is info here too."""
    return _body_values_removed(
        ctx, "RequestBodyEnumValueRemovedCheck", "request-body-enum-value-removed", True
    )


@check("ResponseMediaTypeEnumValueRemovedCheck")
def response_media_type_enum_value_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """Values a response body no longer returns."""
    return _body_values_removed(
        ctx, "ResponseMediaTypeEnumValueRemovedCheck", "response-mediatype-enum-value-removed",
        False,
    )  # fmt: skip


@check("RequestHeaderPropertyBecameEnumCheck")
def request_header_property_became_enum(ctx: DiffContext) -> Iterator[ApiChange]:
    """An object header parameter's property that now accepts only listed values."""
    for op in operations(ctx):
        for (where, param), diff in op.parameters().modified.items():
            if where != "header" or diff.schema is None:
                continue
            for visit in modified_properties(diff.schema):
                d = visit.diff
                found = enum_change(d.base, d.revision) if d is not None and d.both else None
                if found and found[2]:
                    yield ctx.change(
                        "RequestHeaderPropertyBecameEnumCheck",
                        "request-header-property-became-enum",
                        f"property `{visit.full_name}` of header `{param}` became an enum",
                        op=op, at=d.revision if d else None, header=param,
                        property=visit.full_name,
                    )  # fmt: skip
