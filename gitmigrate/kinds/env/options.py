"""An env step's [options], read and checked in one place.

[options]
environment = "staging"              # an [environments.*] table of .gitmigrate.toml
checks = ["database", "config", "http"]   # which health checks gate the step (default: all)
timeout = 5.0                        # seconds each check may take
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.envs.health import CHECKS, parse_checks
from gitmigrate.errors import UsageError

DEFAULT_TIMEOUT = 5.0
_KNOWN = ("environment", "checks", "timeout")


@dataclass(frozen=True)
class EnvOptions:
    environment: str
    checks: tuple[str, ...] = CHECKS
    timeout: float = DEFAULT_TIMEOUT

    def to_toml(self) -> dict[str, Any]:
        return {"environment": self.environment, "checks": list(self.checks),
                "timeout": self.timeout}  # fmt: skip


def options_of(raw: Mapping[str, Any], where: str) -> EnvOptions:
    """Typed options from step.toml (or `add env -o key=value` strings); a UsageError names
    the bad key and the fix."""
    unknown = sorted(set(raw) - set(_KNOWN))
    if unknown:
        raise UsageError(f"{where}: unknown option(s) {', '.join(unknown)}",
                         f"env steps take {', '.join(_KNOWN)}")  # fmt: skip
    environment = raw.get("environment")
    if not isinstance(environment, str) or not environment.strip():
        raise UsageError(f"{where}: which environment does the step check?",
                         "give environment = \"NAME\" (git migrate add env --environment NAME)")  # fmt: skip
    checks = raw.get("checks")
    if checks is not None and not isinstance(checks, str | list | tuple):
        raise UsageError(f"{where}: checks must be a list", 'e.g. checks = ["database", "http"]')
    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(timeout, bool) or not seconds > 0:
        raise UsageError(f"{where}: timeout {timeout!r} is not a positive number of seconds",
                         "e.g. timeout = 5")  # fmt: skip
    return EnvOptions(environment.strip(), parse_checks(checks, where), seconds)
