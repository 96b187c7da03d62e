"""Deprecation, sunset and stability of request and response properties.

A property newly `deprecated` must carry an `x-sunset` date far enough ahead when the endpoint's
stability has a deprecation policy (min_sunset_beta_days / min_sunset_stable_days); a property's
`x-stability-level` going down is breaking for clients that relied on it, and is reported only
when the level it leaves is one the user checks (DiffOptions.stability_level)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks.values_common import bodies, props, register_sides
from gitmigrate.openapi.model import STABILITY_RANK

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange, DiffOptions


def policy_days(options: DiffOptions, stability: str) -> int:
    """How many days ahead a sunset must be for an endpoint of this stability."""
    if stability == "beta":
        return options.min_sunset_beta_days
    if stability in ("", "stable"):
        return options.min_sunset_stable_days
    return 0


def sunset_date(value: Any) -> dt.date | None:
    """`x-sunset` as a date: YYYY-MM-DD or an RFC 3339 timestamp; None when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _deprecations(ctx: DiffContext, name: str, request: bool) -> Iterator[ApiChange]:
    side = "request" if request else "response"
    for body in bodies(ctx, request):
        stability = str(body.op.revision.get("x-stability-level") or "")
        if stability and stability not in STABILITY_RANK:
            continue  # an invalid level is the endpoint checks' finding
        days = policy_days(ctx.options, stability)
        for prop in props(body):
            was, now = prop.base.get("deprecated") is True, prop.revision.get("deprecated") is True
            if was == now:
                continue
            what = f"property `{prop.name}`"
            if not now:
                yield body.report(name, f"{side}-property-reactivated", f"{what} is no longer "
                                  "deprecated", at=prop.revision, property=prop.name)  # fmt: skip
                continue
            sunset = prop.revision.get("x-sunset")
            if sunset is None:
                id = f"{side}-property-deprecated-sunset-missing" if days > 0 else (
                    f"{side}-property-deprecated")  # fmt: skip
                yield body.report(name, id, f"{what} was deprecated", at=prop.revision,
                                  property=prop.name)  # fmt: skip
                continue
            date = sunset_date(sunset)
            if date is None:
                yield body.report(
                    name, f"{side}-property-deprecated-sunset-invalid",
                    f"{what} was deprecated with an unreadable sunset {sunset!r}",
                    at=prop.revision, property=prop.name, sunset=str(sunset),
                )  # fmt: skip
            elif (date - ctx.options.today).days < days:
                yield body.report(
                    name, f"{side}-property-sunset-date-too-small",
                    f"{what} was deprecated with sunset {date}, less than {days} days ahead",
                    at=prop.revision, property=prop.name, sunset=date,
                )  # fmt: skip
            else:
                yield body.report(
                    name, f"{side}-property-deprecated-with-sunset",
                    f"{what} was deprecated with sunset {date}",
                    at=prop.revision, property=prop.name, sunset=date,
                )  # fmt: skip


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
