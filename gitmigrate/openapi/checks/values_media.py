"""Request bodies added, removed or made required, and media types (and their schemas) added or
removed from request bodies and responses. A client sends one of the request's media types and
accepts one of the response's: the request losing one, or the response losing one, breaks it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi import media_names
from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import operations

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import MediaTypesDiff, OperationDiff, RequestBodyDiff


def _bodies(ctx: DiffContext) -> Iterator[tuple[OperationDiff, RequestBodyDiff]]:
    for op in operations(ctx):
        body = op.request_body()
        if body is not None:
            yield op, body


@check("AddedRequestBodyCheck")
def added_request_body(ctx: DiffContext) -> Iterator[ApiChange]:
    """A request body where there was none: a required one breaks every client."""
    for op, body in _bodies(ctx):
        if body.base is None and body.revision is not None:
            needed = body.revision.get("required") is True
            yield ctx.change(
                "AddedRequestBodyCheck",
                "request-body-added-required" if needed else "request-body-added-optional",
                f"{'a required' if needed else 'an optional'} request body was added",
                op=op, at=body.revision,
            )  # fmt: skip


@check("RequestBodyRemovedCheck")
def request_body_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    """The request body is gone: clients still sending one may be refused."""
    for op, body in _bodies(ctx):
        if body.base is not None and body.revision is None:
            yield ctx.change(
                "RequestBodyRemovedCheck", "request-body-removed", "the request body was removed",
                op=op, at=body.base,
            )  # fmt: skip


@check("RequestBodyRequiredUpdatedCheck")
def request_body_required_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """The request body became required (breaks clients that send none) or optional."""
    for op, body in _bodies(ctx):
        if body.base is None or body.revision is None:
            continue
        was, now = body.base.get("required") is True, body.revision.get("required") is True
        if was != now:
            what = "required" if now else "optional"
            yield ctx.change(
                "RequestBodyRequiredUpdatedCheck", f"request-body-became-{what}",
                f"the request body became {what}", op=op, at=body.revision,
            )  # fmt: skip


def _media_changes(ctx: DiffContext, name: str, op: OperationDiff, media: MediaTypesDiff,
                   sides: tuple[Any, Any], prefix: str, where: str, **details: Any
                   ) -> Iterator[ApiChange]:  # fmt: skip
    """`sides`: the (base, revision) objects whose `content` holds the media types."""
    old, new = (side.get("content") if isinstance(side, dict) else None for side in sides)
    for key in media.added:
        yield ctx.change(name, f"{prefix}-added", f"media type {key} was added to {where}",
                         op=op, at=_get(new, key), media_type=key, **details)  # fmt: skip
    for key in media.deleted:
        yield ctx.change(name, f"{prefix}-removed", f"media type {key} was removed from {where}",
                         op=op, at=_get(old, key), media_type=key, **details)  # fmt: skip


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@check("RequestBodyMediaTypeChangedCheck")
def request_body_media_type_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    """Media types the request body accepts, added or removed."""
    for op, body in _bodies(ctx):
        if body.base is not None and body.revision is not None:
            yield from _media_changes(
                ctx, "RequestBodyMediaTypeChangedCheck", op, body.media_types,
                (body.base, body.revision), "request-body-media-type", "the request body",
            )  # fmt: skip


@check("ResponseMediaTypeUpdatedCheck")
def response_media_type_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """Media types a response returns, added or removed."""
    for op in operations(ctx):
        for status, response in op.responses().modified.items():
            yield from _media_changes(
                ctx, "ResponseMediaTypeUpdatedCheck", op, response.media_types,
                (response.base, response.revision), "response-media-type", f"response {status}",
                status=status,
            )  # fmt: skip


@check("MediaTypeSchemaExistenceCheck")
def media_type_schema_existence(ctx: DiffContext) -> Iterator[ApiChange]:
    """A media type kept on both sides whose schema appeared or disappeared: a request schema
    added narrows what is accepted, a response schema removed loosens what is promised."""
    name = "MediaTypeSchemaExistenceCheck"
    for op in operations(ctx):
        places: list[tuple[str, str, MediaTypesDiff]] = []
        body = op.request_body()
        if body is not None:
            places.append(("request", "", body.media_types))
        for status, response in op.responses().modified.items():
            places.append(("response", status, response.media_types))
        for side, status, media in places:
            for key, diff in media.modified.items():
                had, has = "schema" in diff.base, "schema" in diff.revision
                if had == has:
                    continue
                move = "added" if has else "removed"
                where = f"response {status} {key}" if status else f"request body {key}"
                extra: dict[str, Any] = {"status": status} if status else {}
                yield ctx.change(
                    name, f"{side}-body-media-type-schema-{move}", f"the schema of {where} was "
                    f"{move}", op=op, at=diff.revision if has else diff.base, media_type=key,
                    **extra,
                )  # fmt: skip


@check("ResponseMediaTypeNameUpdatedCheck")
def response_media_type_name_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    """A response media type renamed: to a refinement (application/problem+json for
    application/json) clients still read, to a wider name they may not, or with other
    parameters."""
    for op in operations(ctx):
        for status, response in op.responses().modified.items():
            for key, diff in response.media_types.modified.items():
                old = diff.base_name
                if not old:
                    continue
                id = "response-media-type-name-changed"
                if media_names.same_parameters(old, key):
                    id = "response-media-type-name-" + (
                        "specialized" if media_names.contained(old, key) else "generalized"
                    )
                yield ctx.change(
                    "ResponseMediaTypeNameUpdatedCheck", id,
                    f"media type {old} of response {status} was renamed {key}",
                    op=op, at=diff.revision, media_type=key, before=old, status=status,
                )  # fmt: skip
