"""Stability levels and sunset dates as oasdiff reads them, shared by the endpoint and parameter
checks: which endpoints a run looks at (`stability_level`), how long a deprecation must last
(`min_sunset_*_days`), and whether a removal comes before its announced sunset.

`x-stability-level` is one of draft < alpha < beta < stable; none means stable. `x-sunset` is a
date (`2026-12-31`) or an RFC 3339 timestamp; anything else is reported by the checks as a
parse error rather than guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitmigrate.openapi.model import DiffOptions

STABILITY = "x-stability-level"
SUNSET = "x-sunset"
RANK = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidStability(ValueError):
    """An `x-stability-level` that is not one of the four levels."""


def stability(element: Any) -> str:
    """The element's `x-stability-level` ("" when it has none); InvalidStability when unknown."""
    value = element.get(STABILITY) if isinstance(element, dict) else None
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidStability("x-stability-level isn't a string")
    if value not in RANK:
        raise InvalidStability(f"value is not one of draft, alpha, beta or stable: {value!r}")
    return value


def label(level: str) -> str:
    """A stability as reported: no level is stable."""
    return level or "stable"


def included(options: DiffOptions, level: str) -> bool:
    """Whether a run at `options.stability_level` looks at an element of this stability."""
    return RANK[label(level)] >= RANK.get(options.stability_level, RANK["beta"])


def safe_stability(element: Any) -> str | None:
    """The stability, or None when it is invalid (reported by the stability check)."""
    try:
        return stability(element)
    except InvalidStability:
        return None


def sunset_date(value: Any) -> dt.date:
    """The date of an `x-sunset` value; ValueError naming the value when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if _DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        elif "T" in value or "t" in value:
            try:
                return dt.datetime.fromisoformat(value.replace("z", "Z")).date()
            except ValueError:
                pass
    raise ValueError(f"sunset date doesn't conform with RFC3339: {value}")


def deprecation_days(options: DiffOptions, level: str) -> int:
    """The minimum deprecation period oasdiff asks of an element of this stability."""
    if level in ("draft", "alpha"):
        return 0
    if level == "beta":
        return options.min_sunset_beta_days
    return options.min_sunset_stable_days


def note(operation: Any, sunset: dt.date | None = None) -> str:
    """ " (sunset: D, stability: S)" for a deprecation message, "" when there is neither."""
    parts = [f"sunset: {sunset.isoformat()}"] if sunset else []
    level = safe_stability(operation)
    if level:
        parts.append(f"stability: {level}")
    return f" ({', '.join(parts)})" if parts else ""
