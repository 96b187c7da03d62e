"""Response headers: added, removed, made optional, made nullable, retyped. A client reads the
headers it was promised; losing one, or getting null or another type, breaks it. A header's
value is text on the wire, so its type changes are judged as loosely typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import nullable, operations
from gitmigrate.openapi.checks.values_typing import response_verdict, type_change

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import HeaderDiff, OperationDiff, ResponseDiff


def _headers(ctx: DiffContext) -> Iterator[tuple[OperationDiff, str, ResponseDiff]]:
    for op in operations(ctx):
        for status, response in op.responses().modified.items():
            yield op, status, response


def _header(response: dict[str, Any], name: str) -> dict[str, Any] | None:
    headers = response.get("headers")
    found = headers.get(name) if isinstance(headers, dict) else None
    return found if isinstance(found, dict) else None


@check("ResponseHeaderAddedCheck")
def response_header_added(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header a response now returns."""
    for op, status, response in _headers(ctx):
        for name in response.headers.added:
            yield ctx.change(
                "ResponseHeaderAddedCheck", "response-header-added",
                f"header `{name}` was added to response {status}", op=op,
                at=_header(response.revision, name), header=name, status=status,
            )  # fmt: skip


@check("ResponseHeaderRemovedCheck")
def response_header_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header a response no longer returns (breaking when it was required)."""
    for op, status, response in _headers(ctx):
        for name in response.headers.deleted:
            header = _header(response.base, name)
            needed = isinstance(header, dict) and header.get("required") is True
            yield ctx.change(
                "ResponseHeaderRemovedCheck",
                "required-response-header-removed" if needed else "optional-response-header-removed",
                f"{'required' if needed else 'optional'} header `{name}` was removed from "
                f"response {status}", op=op, at=header, header=name, status=status,
            )  # fmt: skip


def _modified(ctx: DiffContext) -> Iterator[tuple[OperationDiff, str, str, HeaderDiff]]:
    """(operation, status, header name, its diff) of every header changed on both sides."""
    for op, status, response in _headers(ctx):
        for name, diff in response.headers.modified.items():
            yield op, status, name, diff


def _about(ctx: DiffContext, check: str, id: str, op: OperationDiff, status: str, name: str,
           diff: HeaderDiff, text: str) -> ApiChange:  # fmt: skip
    return ctx.change(
        check, id, f"header `{name}` of response {status} {text}", op=op, at=diff.revision,
        header=name, status=status,
    )  # fmt: skip


@check("ResponseHeaderBecameOptionalCheck")
def response_header_became_optional(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header clients could rely on may now be missing."""
    for op, status, name, diff in _modified(ctx):
        if diff.base.get("required") is True and diff.revision.get("required") is not True:
            yield _about(
                ctx, "ResponseHeaderBecameOptionalCheck", "response-header-became-optional",
                op, status, name, diff, "became optional",
            )  # fmt: skip


@check("ResponseHeaderBecameNullableCheck")
def response_header_became_nullable(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header whose value may now be null (or no longer may)."""
    for op, status, name, diff in _modified(ctx):
        schema = diff.schema
        if schema is not None and schema.both:
            was, now = nullable(schema.base), nullable(schema.revision)
            what = "nullable" if now else "not-nullable"
            if was != now:
                yield _about(
                    ctx, "ResponseHeaderBecameNullableCheck", f"response-header-became-{what}",
                    op, status, name, diff, f"became {what}",
                )  # fmt: skip


@check("ResponseHeaderTypeChangedCheck")
def response_header_type_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header's type or format changed."""
    for op, status, name, diff in _modified(ctx):
        schema = diff.schema
        if schema is None or schema.base is None or schema.revision is None:
            continue
        change = type_change(schema.base, schema.revision)
        if change is not None:
            yield _about(
                ctx, "ResponseHeaderTypeChangedCheck",
                f"response-header-type-{response_verdict(change, strong=False)}",
                op, status, name, diff, f"type changed {change.text}",
            )  # fmt: skip
