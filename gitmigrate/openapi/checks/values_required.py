"""Properties added, removed, made required or optional, in request and response bodies.

Requests ignore read-only properties (clients do not send them); responses report write-only
ones under their own informational ids (servers do not return them). A property that moved into
the alternatives of a new oneOf was not removed: the wrapping is reported once per body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import (
    Body,
    bodies,
    flag,
    moved_into_one_of,
    operations,
    properties,
    props,
    real,
    register_each,
    request_bodies,
    required,
    response_bodies,
)
from gitmigrate.openapi.schemadiff import (
    SchemaDiff,
    added_properties,
    deleted_properties,
    modified_properties,
)

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def join(*parts: str) -> str:
    return "/".join(part for part in parts if part)


def _wrapped(body: Body, name: str, side: str) -> Iterator[ApiChange]:
    if moved_into_one_of(body.diff):
        yield body.report(name, f"{side}-body-wrapped-in-one-of", "body was wrapped in a oneOf")


@check("RequestPropertyUpdatedCheck")
def request_property_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """Request properties removed or added (a new required one breaks clients)."""
    name = "RequestPropertyUpdatedCheck"
    for body in request_bodies(ctx):
        yield from _wrapped(body, name, "request")
        for visit in real(deleted_properties(body.diff)):
            if flag(visit.schema, "readOnly") or (
                visit.parent and visit.name in moved_into_one_of(visit.parent)
            ):
                continue
            yield body.report(
                name, "request-property-removed", f"property `{visit.full_name}` was removed",
                at=visit.schema, property=visit.full_name,
            )  # fmt: skip
        for visit in real(added_properties(body.diff)):
            if flag(visit.schema, "readOnly"):
                continue
            parent = visit.parent.revision if visit.parent else None
            if visit.name not in required(parent):
                id, what = "new-optional-request-property", "optional"
            elif visit.schema is not None and "default" in visit.schema:
                id, what = "new-required-request-property-with-default", "required (with a default)"
            else:
                id, what = "new-required-request-property", "required"
            yield body.report(
                name, id, f"{what} property `{visit.full_name}` was added",
                at=visit.schema, property=visit.full_name,
            )  # fmt: skip


def _response_added_deleted(ctx: DiffContext, name: str, want_required: bool
                            ) -> Iterator[ApiChange]:  # fmt: skip
    """Removed properties are judged by the base's required list, added ones by the
    revision's; write-only ones (never returned) get their own informational ids."""
    kind = "required" if want_required else "optional"
    for body in response_bodies(ctx):
        if want_required:
            yield from _wrapped(body, name, "response")
        for move, visit in [("removed", v) for v in real(deleted_properties(body.diff))] + [
            ("added", v) for v in real(added_properties(body.diff))
        ]:  # fmt: skip
            parent = visit.parent
            listed = required((parent.base if move == "removed" else parent.revision) if parent
                              else None)  # fmt: skip
            if (visit.name in listed) != want_required:
                continue
            if move == "removed" and parent and visit.name in moved_into_one_of(parent):
                continue
            wo = "write-only-" if flag(visit.schema, "writeOnly") else ""
            yield body.report(
                name, f"response-{kind}-{wo}property-{move}",
                f"{kind} property `{visit.full_name}` was {move}",
                at=visit.schema, property=visit.full_name,
            )  # fmt: skip


def _nodes(body: Body) -> Iterator[tuple[str, SchemaDiff]]:
    """The body's schema and every nested schema changed on both sides, with its path."""
    yield "", body.diff
    for prop in props(body):
        yield prop.node, prop.diff


def _required_moves(d: SchemaDiff) -> tuple[list[str], list[str]]:
    """(names made required, names made optional) among properties on both sides."""
    a, b = required(d.base), required(d.revision)
    old, new = properties(d.base), properties(d.revision)
    made = [n for n in b if n not in a and n in old and n in new]
    unmade = [n for n in a if n not in b and n in old and n in new]
    return made, unmade


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _flips(body: Body) -> Iterator[tuple[str, bool, str, SchemaDiff]]:
    """(full name, made required (else optional), own name, the parent's diff) of every
    property on both sides whose required flag flipped."""
    for path, d in _nodes(body):
        made, unmade = _required_moves(d)
        for names, to_required in ((made, True), (unmade, False)):
            for prop in names:
                yield join(path, prop), to_required, prop, d


@check("RequestPropertyRequiredUpdatedCheck")
def request_property_required_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """Existing request properties made required (breaks clients that omit them) or optional."""
    for body in request_bodies(ctx):
        for full, made, prop, d in _flips(body):
            schema = _dict(properties(d.revision)[prop])
            if flag(schema, "readOnly"):
                continue
            id = "request-property-became-optional"
            if made:
                id = "request-property-became-required"
                id += "-with-default" if schema is not None and "default" in schema else ""
            yield body.about(
                "RequestPropertyRequiredUpdatedCheck", id, full,
                f"became {'required' if made else 'optional'}", at=d.revision,
            )  # fmt: skip


def _response_required_moves(ctx: DiffContext, name: str, made: bool) -> Iterator[ApiChange]:
    """Whether a property was write-only is read where it is required (revision when made
    required, base when made optional)."""
    what = "required" if made else "optional"
    for body in response_bodies(ctx):
        for full, to_required, prop, d in _flips(body):
            if to_required == made:
                schema = _dict(properties(d.revision if made else d.base)[prop])
                wo = "write-only-" if flag(schema, "writeOnly") else ""
                yield body.about(
                    name, f"response-{wo}property-became-{what}", full, f"became {what}",
                    at=d.revision,
                )  # fmt: skip


def _access_changes(ctx: DiffContext, name: str, request: bool, want: bool | None
                    ) -> Iterator[ApiChange]:  # fmt: skip
    """readOnly/writeOnly flips of named properties; `want` keeps only required (True) or
    optional (False) ones, None keeps both (the request check names which in its ids)."""
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        for prop in props(body):
            if (
                not prop.key
                or prop.parent is None
                or prop.key not in properties(prop.parent.revision)
            ):
                continue
            is_required = prop.key in required(prop.parent.base)
            if want is not None and is_required != want:
                continue
            kind = "required" if is_required else "optional"
            for keyword, label in (("writeOnly", "write-only"), ("readOnly", "read-only")):
                was, now = flag(prop.base, keyword), flag(prop.revision, keyword)
                if was == now:
                    continue
                became = label if now else f"not-{label}"
                yield body.report(
                    name, f"{side}-{kind}-property-became-{became}",
                    f"{kind} property `{prop.name}` became {became}",
                    at=prop.revision, property=prop.name,
                )  # fmt: skip


@check("RequestPropertyWriteOnlyReadOnlyCheck")
def request_property_write_only_read_only(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request property became (or stopped being) read-only or write-only."""
    return _access_changes(ctx, "RequestPropertyWriteOnlyReadOnlyCheck", True, None)


@check("ResponseRequiredPropertyWriteOnlyReadOnlyCheck")
def response_required_property_write_only_read_only(ctx: DiffContext) -> Iterator[ApiChange]:
    """A required response property became (or stopped being) read-only or write-only."""
    return _access_changes(ctx, "ResponseRequiredPropertyWriteOnlyReadOnlyCheck", False, True)


@check("ResponseOptionalPropertyWriteOnlyReadOnlyCheck")
def response_optional_property_write_only_read_only(ctx: DiffContext) -> Iterator[ApiChange]:
    """An optional response property became (or stopped being) read-only or write-only."""
    return _access_changes(ctx, "ResponseOptionalPropertyWriteOnlyReadOnlyCheck", False, False)


def _header_schemas(ctx: DiffContext) -> Iterator[tuple[Any, str, SchemaDiff]]:
    for op in operations(ctx):
        for (where, param), diff in op.parameters().modified.items():
            if where == "header" and diff.schema is not None and diff.schema.both:
                yield op, param, diff.schema


@check("NewRequiredRequestHeaderPropertyCheck")
def new_required_request_header_property(ctx: DiffContext) -> Iterator[ApiChange]:
    """An object header parameter gained a required property clients do not send."""
    for op, param, schema in _header_schemas(ctx):
        for visit in added_properties(schema):
            parent = visit.parent.revision if visit.parent else None
            if flag(visit.schema, "readOnly") or visit.name not in required(parent):
                continue
            yield ctx.change(
                "NewRequiredRequestHeaderPropertyCheck", "new-required-request-header-property",
                f"required property `{visit.full_name}` was added to header `{param}`",
                op=op, at=visit.schema, header=param, property=visit.full_name,
            )  # fmt: skip


@check("RequestHeaderPropertyBecameRequiredCheck")
def request_header_property_became_required(ctx: DiffContext) -> Iterator[ApiChange]:
    """An existing property of an object header parameter became required."""
    for op, param, schema in _header_schemas(ctx):
        nodes = [("", schema)] + [
            (join(v.path, v.name), v.diff)
            for v in modified_properties(schema)
            if v.diff and v.diff.both
        ]
        for path, d in nodes:
            for prop in _required_moves(d)[0]:
                yield ctx.change(
                    "RequestHeaderPropertyBecameRequiredCheck",
                    "request-header-property-became-required",
                    f"property `{join(path, prop)}` of header `{param}` became required",
                    op=op, at=d.revision, header=param, property=join(path, prop),
                )  # fmt: skip


register_each(
    _response_added_deleted,
    {"ResponseRequiredPropertyUpdatedCheck": True, "ResponseOptionalPropertyUpdatedCheck": False},
    "Response properties removed or added, required (True) or optional (False) ones",
)
register_each(
    _response_required_moves,
    {"ResponsePropertyBecameRequiredCheck": True, "ResponsePropertyBecameOptionalCheck": False},
    "Response properties made required (True) or optional (False)",
)
