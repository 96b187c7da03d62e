"""Type, format and list-of-types changes of request and response bodies and their properties.

A change that the list-of-types checks report (a oneOf/anyOf of plain types on either side) is
not reported again as a type change, and "null" coming or going is left to the nullable checks,
as oasdiff does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from gitmigrate.openapi.checks.values_common import (
    Body,
    bodies,
    moved_into_one_of,
    props,
    register_sides,
)
from gitmigrate.openapi.checks.values_typing import (
    list_of_types_change,
    request_verdict,
    response_verdict,
    strongly_typed,
    type_change,
)

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.schemadiff import SchemaDiff


def _verdict(body: Body, diff: SchemaDiff) -> tuple[str, str] | None:
    """(verdict, "from ... to ...") of a type/format change not left to another check."""
    assert diff.base is not None and diff.revision is not None
    if list_of_types_change(diff.base, diff.revision):
        return None
    change = type_change(diff.base, diff.revision)
    if change is None:
        return None
    strong = strongly_typed(body.media_type)
    verdict = request_verdict(change, strong) if body.request else response_verdict(change, strong)
    return verdict, change.text


def _type_changes(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        found = _verdict(body, body.diff)
        if found and not moved_into_one_of(body.diff):  # the wrapping is reported instead
            yield body.report(name, f"{side}-body-type-{found[0]}", f"body type changed {found[1]}")
        elif list_of_types_change(body.diff.base or {}, body.diff.revision or {}):
            continue
        for prop in props(body):
            found = _verdict(body, prop.diff)
            if found:
                yield body.report(
                    name, f"{side}-property-type-{found[0]}",
                    f"property `{prop.name}` type changed {found[1]}",
                    at=prop.revision, property=prop.name,
                )  # fmt: skip


def _list_id(side: str, what: str, added: list[str], deleted: list[str]) -> tuple[str, list[str]]:
    """Requests break when types go, responses when types come."""
    if side == "request":
        return (f"request-{what}-list-of-types-narrowed", deleted) if deleted else (
            f"request-{what}-list-of-types-widened", added)  # fmt: skip
    return (f"response-{what}-list-of-types-widened", added) if added else (
        f"response-{what}-list-of-types-narrowed", deleted)  # fmt: skip


def _list_changes(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        found = list_of_types_change(body.diff.base or {}, body.diff.revision or {})
        if found:
            id, kinds = _list_id(side, "body", *found)
            verb = "lost" if id.endswith("narrowed") else "gained"
            yield body.report(name, id, f"body {verb} the types {', '.join(kinds)}")
        for prop in props(body):
            found = list_of_types_change(prop.base, prop.revision)
            if found:
                id, kinds = _list_id(side, "property", *found)
                verb = "lost" if id.endswith("narrowed") else "gained"
                yield body.report(
                    name, id, f"property `{prop.name}` {verb} the types {', '.join(kinds)}",
                    at=prop.revision, property=prop.name,
                )  # fmt: skip


register_sides(
    _type_changes, "RequestPropertyTypeChangedCheck", "ResponsePropertyTypeChangedCheck",
    "A body or property whose type or format changed",
)  # fmt: skip
register_sides(
    _list_changes, "RequestPropertyListOfTypesChangedCheck",
    "ResponsePropertyListOfTypesChangedCheck",
    "A value's oneOf/anyOf list of plain types gained or lost types",
)  # fmt: skip
