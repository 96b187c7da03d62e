"""Response headers: added, removed, made optional, made nullable, retyped. A client reads the
headers it was promised; losing one, or getting null or another type, breaks it. A header's
value is text on the wire, so its type changes are judged as loosely typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import nullable
from gitmigrate.openapi.checks.values_typing import response_verdict, type_change

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import HeadersDiff, OperationDiff


def _headers(ctx: DiffContext) -> Iterator[tuple[OperationDiff, str, HeadersDiff]]:
    for op in ctx.modified_operations():
        if op.changed:
            for status, response in op.responses().modified.items():
                yield op, status, response.headers


@check("ResponseHeaderAddedCheck")
def response_header_added(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header a response now returns."""
    for op, status, headers in _headers(ctx):
        for name in headers.added:
            yield ctx.change(
                "ResponseHeaderAddedCheck", "response-header-added",
                f"header `{name}` was added to response {status}", op=op, header=name,
                status=status,
            )  # fmt: skip


@check("ResponseHeaderRemovedCheck")
def response_header_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header a response no longer returns (breaking when it was required)."""
    for op, status, headers in _headers(ctx):
        response = op.base.get("responses", {}).get(status) or op.base.get("responses", {}).get(
            int(status) if status.isdigit() else status, {})  # fmt: skip
        for name in headers.deleted:
            header = (
                (response.get("headers") or {}).get(name) if isinstance(response, dict) else None
            )
            needed = isinstance(header, dict) and header.get("required") is True
            yield ctx.change(
                "ResponseHeaderRemovedCheck",
                "required-response-header-removed" if needed else "optional-response-header-removed",
                f"{'required' if needed else 'optional'} header `{name}` was removed from "
                f"response {status}", op=op, at=header, header=name, status=status,
            )  # fmt: skip


@check("ResponseHeaderBecameOptionalCheck")
def response_header_became_optional(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header clients could rely on may now be missing."""
    for op, status, headers in _headers(ctx):
        for name, diff in headers.modified.items():
            if diff.base.get("required") is True and diff.revision.get("required") is not True:
                yield ctx.change(
                    "ResponseHeaderBecameOptionalCheck", "response-header-became-optional",
                    f"header `{name}` of response {status} became optional",
                    op=op, at=diff.revision, header=name, status=status,
                )  # fmt: skip


@check("ResponseHeaderBecameNullableCheck")
def response_header_became_nullable(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header whose value may now be null (or no longer may)."""
    for op, status, headers in _headers(ctx):
        for name, diff in headers.modified.items():
            schema = diff.schema
            if schema is None or not schema.both:
                continue
            was, now = nullable(schema.base), nullable(schema.revision)
            if was != now:
                what = "nullable" if now else "not-nullable"
                yield ctx.change(
                    "ResponseHeaderBecameNullableCheck", f"response-header-became-{what}",
                    f"header `{name}` of response {status} became {what}",
                    op=op, at=diff.revision, header=name, status=status,
                )  # fmt: skip


@check("ResponseHeaderTypeChangedCheck")
def response_header_type_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """A header's type or format changed."""
    for op, status, headers in _headers(ctx):
        for name, diff in headers.modified.items():
            schema = diff.schema
            if schema is None or schema.base is None or schema.revision is None:
                continue
            change = type_change(schema.base, schema.revision)
            if change is None:
                continue
            verdict = response_verdict(change, strong=False)
            yield ctx.change(
                "ResponseHeaderTypeChangedCheck", f"response-header-type-{verdict}",
                f"header `{name}` of response {status} type changed {change.text}",
                op=op, at=diff.revision, header=name, status=status,
            )  # fmt: skip
