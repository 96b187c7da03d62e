"""Response status codes added and removed. Removing a success status (2xx) is breaking: a
client written against it never sees the response it handles. Other statuses are informational.
Ranges (`2XX`) and `default` are not numbers and are not reported, as in oasdiff."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.endpoint_scope import modified, responses

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def _status_changes(
    ctx: DiffContext, name: str, kind: str, wanted: Callable[[int], bool]
) -> Iterator[ApiChange]:
    for op in modified(ctx):
        found_statuses = responses(op)
        for status, id, verb, side in (
            *(
                (s, f"response-{kind}-status-removed", "removed", op.base)
                for s in found_statuses.deleted
            ),
            *(
                (s, f"response-{kind}-status-added", "added", op.revision)
                for s in found_statuses.added
            ),
        ):
            if status.isdigit() and wanted(int(status)):
                found = side.get("responses")
                at = found.get(status, found.get(int(status))) if isinstance(found, dict) else None
                yield ctx.change(
                    name,
                    id,
                    f"{verb} the {kind} response with the status '{status}'",
                    op=op,
                    at=at if isinstance(at, dict) else side,
                    status=status,
                )


@check("ResponseSuccessStatusUpdatedCheck")
def response_success_status_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _status_changes(
        ctx, "ResponseSuccessStatusUpdatedCheck", "success", lambda s: 200 <= s <= 299
    )


@check("ResponseNonSuccessStatusUpdatedCheck")
def response_non_success_status_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _status_changes(
        ctx, "ResponseNonSuccessStatusUpdatedCheck", "non-success", lambda s: not 200 <= s <= 299
    )
