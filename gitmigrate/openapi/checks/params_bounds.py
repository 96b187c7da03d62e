"""Request parameter bounds: maximum/minimum (and their exclusive forms), length and item
counts. A bound that narrows what the parameter accepts (a lower maximum, a higher minimum)
breaks callers that sent values near the old bound; a bound set where there was none may, so
oasdiff warns. The OpenAPI 3.0 boolean `exclusiveMaximum` is not a number and is not compared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.params_walk import schema_changes

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _updated(
    ctx: DiffContext, name: str, bounds: tuple[tuple[str, str], ...]
) -> Iterator[ApiChange]:
    """(keyword, id stem) -> *-increased / *-decreased."""
    for visit, d in schema_changes(ctx):
        for keyword, stem in bounds:
            found = d.value(keyword)
            if found is None and keyword == "maxItems" and d.items is not None:
                found = d.items.value(keyword)  # oasdiff also reads maxItems set on `items`
            if found is None or not (_number(found[0]) and _number(found[1])):
                continue
            before, after = found
            if before == after:
                continue
            trend = "decreased" if after < before else "increased"
            yield ctx.change(
                name,
                f"request-parameter-{stem}-{trend}",
                f"{visit.label} {keyword} {trend} from '{before}' to '{after}'",
                op=visit.op,
                at=d.revision,
                **visit.details(before=before, after=after),
            )


def _set(ctx: DiffContext, name: str, bounds: tuple[tuple[str, str], ...]) -> Iterator[ApiChange]:
    """(keyword, id stem) -> *-set when the bound was added."""
    for visit, d in schema_changes(ctx):
        for keyword, stem in bounds:
            found = d.value(keyword)
            if found is None or found[0] is not None or not _number(found[1]):
                continue
            yield ctx.change(
                name,
                f"request-parameter-{stem}-set",
                f"{visit.label} {keyword} was set to '{found[1]}'",
                op=visit.op,
                at=d.revision,
                **visit.details(after=found[1]),
            )


@check("RequestParameterMaxUpdatedCheck")
def request_parameter_max_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _updated(
        ctx,
        "RequestParameterMaxUpdatedCheck",
        (("maximum", "max"), ("exclusiveMaximum", "exclusive-max")),
    )


@check("RequestParameterMinUpdatedCheck")
def request_parameter_min_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _updated(
        ctx,
        "RequestParameterMinUpdatedCheck",
        (("minimum", "min"), ("exclusiveMinimum", "exclusive-min")),
    )


@check("RequestParameterMaxLengthUpdatedCheck")
def request_parameter_max_length_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _updated(ctx, "RequestParameterMaxLengthUpdatedCheck", (("maxLength", "max-length"),))


@check("RequestParameterMinLengthUpdatedCheck")
def request_parameter_min_length_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _updated(ctx, "RequestParameterMinLengthUpdatedCheck", (("minLength", "min-length"),))


@check("RequestParameterMaxItemsUpdatedCheck")
def request_parameter_max_items_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _updated(ctx, "RequestParameterMaxItemsUpdatedCheck", (("maxItems", "max-items"),))


@check("RequestParameterMinItemsUpdatedCheck")
def request_parameter_min_items_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    return _updated(ctx, "RequestParameterMinItemsUpdatedCheck", (("minItems", "min-items"),))


@check("RequestParameterMaxSetCheck")
def request_parameter_max_set(ctx: DiffContext) -> Iterator[ApiChange]:
    return _set(
        ctx,
        "RequestParameterMaxSetCheck",
        (("maximum", "max"), ("exclusiveMaximum", "exclusive-max")),
    )


@check("RequestParameterMinSetCheck")
def request_parameter_min_set(ctx: DiffContext) -> Iterator[ApiChange]:
    return _set(
        ctx,
        "RequestParameterMinSetCheck",
        (("minimum", "min"), ("exclusiveMinimum", "exclusive-min")),
    )


@check("RequestParameterMaxLengthSetCheck")
def request_parameter_max_length_set(ctx: DiffContext) -> Iterator[ApiChange]:
    return _set(ctx, "RequestParameterMaxLengthSetCheck", (("maxLength", "max-length"),))


@check("RequestParameterMinItemsSetCheck")
def request_parameter_min_items_set(ctx: DiffContext) -> Iterator[ApiChange]:
    return _set(ctx, "RequestParameterMinItemsSetCheck", (("minItems", "min-items"),))
