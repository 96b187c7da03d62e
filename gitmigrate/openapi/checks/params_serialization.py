"""How a request parameter is written on the wire: `style`, `explode` and `allowReserved`.
Changing them makes the server parse the same call differently (`?id=1,2` against
`?id=1&id=2`), so the comparison is between the methods in effect: writing out a default is
not a change, and `explode` does not matter for a scalar.

oasdiff added these ids after the rules.tsv snapshot: their levels are in extra_rules.tsv."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.params_walk import modified_parameters

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange

_SCALARS = {"string", "number", "integer", "boolean", "null"}


def serialization(param: dict[str, Any]) -> tuple[str, bool]:
    """(style, explode) in effect, with the OpenAPI defaults (form for query and cookie)."""
    style = param.get("style") or ("form" if param.get("in") in ("query", "cookie") else "simple")
    explode = param.get("explode")
    return str(style), bool(explode) if explode is not None else style == "form"


def _scalar(schema: Any) -> bool:
    if not isinstance(schema, dict) or any(k in schema for k in ("oneOf", "anyOf", "allOf")):
        return False
    value = schema.get("type")
    listed = value if isinstance(value, list) else [value] if value is not None else []
    return bool(listed) and all(t in _SCALARS for t in listed)


@check("RequestParameterSerializationUpdatedCheck")
def request_parameter_serialization_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterSerializationUpdatedCheck"
    for visit in modified_parameters(ctx):
        base, revision = visit.base, visit.revision
        if "schema" in base and "schema" in revision:
            (style, explode), (new_style, new_explode) = (
                serialization(base),
                serialization(revision),
            )
            if style != new_style:
                yield ctx.change(
                    name,
                    "request-parameter-style-changed",
                    f"{visit.label} style changed from '{style}' to '{new_style}'",
                    op=visit.op,
                    at=revision,
                    **visit.details(before=style, after=new_style),
                )
            elif explode != new_explode and not (
                _scalar(base["schema"]) and _scalar(revision["schema"])
            ):
                yield ctx.change(
                    name,
                    "request-parameter-explode-changed",
                    f"{visit.label} explode changed from '{explode}' to '{new_explode}'",
                    op=visit.op,
                    at=revision,
                    **visit.details(before=explode, after=new_explode),
                )
        allowed, now = bool(base.get("allowReserved")), bool(revision.get("allowReserved"))
        if visit.location == "query" and allowed != now:
            id = "request-parameter-became-allow-reserved"
            if not now:
                id = "request-parameter-became-not-allow-reserved"
            yield ctx.change(
                name,
                id,
                f"{visit.label} {'now' if now else 'no longer'} allows reserved characters",
                op=visit.op,
                at=revision,
                **visit.details(),
            )
