"""Request parameters removed, deprecated, reactivated, given or stripped of a sunset date, or
made required or optional. A removal is breaking unless the parameter was deprecated and its
sunset date (compared with `DiffOptions.today`) has passed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.endpoint_scope import modified, parameters
from gitmigrate.openapi.checks.params_walk import modified_parameters
from gitmigrate.openapi.lifecycle import (
    SUNSET,
    deprecation_days,
    note,
    safe_stability,
    sunset_date,
)

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


@check("RequestParameterRemovedCheck")
def request_parameter_removed(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterRemovedCheck"
    for op in modified(ctx):
        for location, param_name in parameters(op).deleted:
            param = op.base_parameters.get((location, param_name), {})
            what = f"the '{param_name}' {location} request parameter"
            details: dict[str, Any] = {"in": location, "name": param_name}
            if not param.get("deprecated"):
                yield ctx.change(
                    name,
                    "request-parameter-removed",
                    f"deleted {what}",
                    op=op,
                    at=param,
                    **details,
                )
                continue
            if SUNSET not in param:
                yield ctx.change(
                    name,
                    "request-parameter-removed-with-deprecation",
                    f"deleted {what} after deprecation",
                    op=op,
                    at=param,
                    **details,
                )
                continue
            try:
                date = sunset_date(param[SUNSET])
            except ValueError as exc:
                yield ctx.change(
                    name,
                    "request-parameter-sunset-parse",
                    f"failed to parse sunset date of {what}: '{exc}'",
                    op=op,
                    at=param,
                    **details,
                )
                continue
            if ctx.options.today < date:
                yield ctx.change(
                    name,
                    "request-parameter-removed-before-sunset",
                    f"deleted {what} before the sunset date '{date}'",
                    op=op,
                    at=param,
                    sunset=date.isoformat(),
                    **details,
                )


@check("RequestParameterDeprecationCheck")
def request_parameter_deprecation(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterDeprecationCheck"
    for visit in modified_parameters(ctx):
        before, after = bool(visit.base.get("deprecated")), bool(visit.revision.get("deprecated"))
        if before == after:
            continue
        op, at, details = visit.op, visit.revision, visit.details()
        if not after:
            yield ctx.change(
                name,
                "request-parameter-reactivated",
                f"{visit.label} was reactivated{note(op.revision)}",
                op=op,
                at=at,
                **details,
            )
            continue
        level = safe_stability(op.revision)
        if level is None:
            continue  # reported by the stability check
        days = deprecation_days(ctx.options, level)
        if SUNSET not in visit.revision:
            if days > 0:
                yield ctx.change(
                    name,
                    "request-parameter-deprecated-sunset-missing",
                    f"{visit.label} was deprecated without a sunset date",
                    op=op,
                    at=at,
                    **details,
                )
            else:
                yield ctx.change(
                    name,
                    "request-parameter-deprecated",
                    f"{visit.label} was deprecated{note(op.revision)}",
                    op=op,
                    at=at,
                    **details,
                )
            continue
        try:
            date = sunset_date(visit.revision[SUNSET])
        except ValueError as exc:
            yield ctx.change(
                name,
                "request-parameter-sunset-parse",
                f"failed to parse sunset date of {visit.label}: '{exc}'",
                op=op,
                at=at,
                **details,
            )
            continue
        if (date - ctx.options.today).days < days:
            yield ctx.change(
                name,
                "request-parameter-sunset-date-too-small",
                f"{visit.label} sunset date '{date}' is too small, "
                f"must be at least '{days}' days from now",
                op=op,
                at=at,
                sunset=date.isoformat(),
                min_days=days,
                **details,
            )
            continue
        yield ctx.change(
            name,
            "request-parameter-deprecated",
            f"{visit.label} was deprecated{note(op.revision, date)}",
            op=op,
            at=at,
            sunset=date.isoformat(),
            **details,
        )


@check("RequestParameterSunsetChangedCheck")
def request_parameter_sunset_changed(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterSunsetChangedCheck"
    for visit in modified_parameters(ctx):
        base, revision = visit.base, visit.revision
        if not revision.get("deprecated"):
            continue
        op, details = visit.op, visit.details()
        if SUNSET in base and SUNSET not in revision:
            yield ctx.change(
                name,
                "request-parameter-sunset-deleted",
                f"{visit.label} sunset date deleted while still deprecated",
                op=op,
                at=revision,
                **details,
            )
            continue
        if SUNSET not in base or SUNSET not in revision or base[SUNSET] == revision[SUNSET]:
            continue
        try:
            date = sunset_date(revision[SUNSET])
            base_date = sunset_date(base[SUNSET])
        except ValueError as exc:
            yield ctx.change(
                name,
                "request-parameter-sunset-parse",
                f"failed to parse sunset date of {visit.label}: '{exc}'",
                op=op,
                at=revision,
                **details,
            )
            continue
        level = safe_stability(op.revision)
        if level is None:
            continue  # reported by the stability check
        if base_date > date and (date - ctx.options.today).days < deprecation_days(
            ctx.options, level
        ):
            yield ctx.change(
                name,
                "request-parameter-sunset-date-changed-too-small",
                f"{visit.label} sunset date changed to an earlier date, "
                f"from '{base_date}' to '{date}'",
                op=op,
                at=revision,
                before=base_date.isoformat(),
                after=date.isoformat(),
                **details,
            )


@check("RequestParameterRequiredValueUpdatedCheck")
def request_parameter_required_value_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "RequestParameterRequiredValueUpdatedCheck"
    for visit in modified_parameters(ctx):
        before, after = bool(visit.base.get("required")), bool(visit.revision.get("required"))
        if before == after:
            continue
        id = "request-parameter-became-required" if after else "request-parameter-became-optional"
        yield ctx.change(
            name,
            id,
            f"{visit.label} became {'required' if after else 'optional'}",
            op=visit.op,
            at=visit.revision,
            **visit.details(),
        )
