"""Spec-wide component checks: a schema removed from `components/schemas` (informational in
oasdiff: what breaks is where the schema was used, and the operation checks report that)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def component(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    """`components/<kind>` of a spec document ({} when absent)."""
    components = doc.get("components")
    found = components.get(kind) if isinstance(components, dict) else None
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}


@check("APIComponentsSchemaRemovedCheck")
def api_components_schema_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    revision = component(ctx.revision.doc, "schemas")
    for key, schema in component(ctx.base.doc, "schemas").items():
        if key not in revision:
            yield ctx.change(
                "APIComponentsSchemaRemovedCheck",
                "api-schema-removed",
                f"removed the schema '{key}'",
                at=schema,
                schema=key,
            )
