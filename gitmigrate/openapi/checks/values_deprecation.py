"""Deprecation, sunset and stability of request and response properties.

A property newly `deprecated` must carry an `x-sunset` date far enough ahead when the endpoint's
stability has a deprecation policy (min_sunset_beta_days / min_sunset_stable_days); a property's
`x-stability-level` going down is breaking for clients that relied on it, and is reported only
when the level it leaves is one the user checks (DiffOptions.stability_level)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks.values_common import bodies, props, register_sides
from gitmigrate.openapi.lifecycle import SUNSET, judge_deprecation, safe_stability, sunset_details
from gitmigrate.openapi.model import STABILITY_RANK

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def _deprecations(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        level = safe_stability(body.op.revision)
        if level is None:
            continue  # an invalid level is the endpoint checks' finding
        for prop in props(body):
            was, now = prop.base.get("deprecated") is True, prop.revision.get("deprecated") is True
            if was == now:
                continue
            what = f"property `{prop.name}`"
            if not now:
                yield body.report(name, f"{side}-property-reactivated", f"{what} is no longer "
                                  "deprecated", at=prop.revision, property=prop.name)  # fmt: skip
                continue
            d = judge_deprecation(ctx.options, level, prop.revision)
            id, text = {
                "deprecated": (f"{side}-property-deprecated", f"{what} was deprecated"),
                "sunset-missing": (f"{side}-property-deprecated-sunset-missing", f"{what} was deprecated"),
                "sunset-parse": (f"{side}-property-deprecated-sunset-invalid", f"{what} was deprecated with an unreadable sunset {prop.revision.get(SUNSET)!r}"),
                "sunset-too-small": (f"{side}-property-sunset-date-too-small", f"{what} was deprecated with sunset {d.date}, less than {d.days} days ahead"),
                "with-sunset": (f"{side}-property-deprecated-with-sunset", f"{what} was deprecated with sunset {d.date}"),
            }[d.kind]  # fmt: skip
            extra = (
                sunset_details(d)
                if d.kind != "sunset-parse"
                else {"sunset": str(prop.revision.get(SUNSET))}
            )
            yield body.report(name, id, text, at=prop.revision, property=prop.name, **extra)


def _level(schema: dict[str, Any]) -> str | None:
    """The property's stability, "stable" when unset, None when not a known level."""
    value = schema.get("x-stability-level")
    label = "stable" if value in (None, "") else str(value)
    return label if label in STABILITY_RANK else None


def _stability(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"
    floor = STABILITY_RANK.get(ctx.options.stability_level, STABILITY_RANK["beta"])
    for body in bodies(ctx, request):
        for prop in props(body):
            key = "x-stability-level"
            if prop.base.get(key) == prop.revision.get(key):
                continue
            was, now = _level(prop.base), _level(prop.revision)
            if was is None or now is None:  # no endpoint check looks inside schemas for this
                bad = prop.base if was is None else prop.revision
                yield body.about(
                    name, "api-invalid-stability-level", prop.name,
                    f"has an invalid x-stability-level {bad.get(key)!r}", at=bad,
                )  # fmt: skip
                continue
            if was == now or STABILITY_RANK[was] < floor:
                continue
            move = "decreased" if STABILITY_RANK[now] < STABILITY_RANK[was] else "increased"
            yield body.report(
                name, f"{side}-property-stability-{move}",
                f"stability of property `{prop.name}` {move} from {was} to {now}",
                at=prop.revision, property=prop.name, before=was, after=now,
            )  # fmt: skip


register_sides(
    _deprecations, "RequestPropertyDeprecationCheck", "ResponsePropertyDeprecationCheck",
    "Properties deprecated (with or without a good sunset) or reactivated",
)  # fmt: skip
register_sides(
    _stability, "RequestPropertyStabilityUpdatedCheck", "ResponsePropertyStabilityUpdatedCheck",
    "A property's x-stability-level went up or down",
)  # fmt: skip
