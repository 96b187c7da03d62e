"""What a spec diff produces: one ApiChange per reported change, with oasdiff's id and level
where oasdiff has the rule, so users moving from oasdiff keep their ignore lists and CI gates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning", "info"]
LEVEL_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
SHORT: dict[str, str] = {"error": "ERR", "warning": "WARN", "info": "INFO"}
STABILITY_RANK: dict[str, int] = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}


def level_named(name: str) -> Level:
    """ERR / WARN / INFO (or oasdiff's error / warning / info) -> the level."""
    wanted = name.strip().lower()
    for level, short in SHORT.items():
        if wanted in (level, short.lower()):
            return level  # type: ignore[return-value]
    from gitmigrate.errors import UsageError

    raise UsageError(f"unknown level {name!r}", "use ERR, WARN or INFO")


@dataclass(frozen=True)
class ApiChange:
    id: str
    level: Level
    text: str
    check: str
    operation: str = ""
    path: str = ""
    method: str = ""
    source: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def breaking(self) -> bool:
        return self.level != "info"

    def at_least(self, level: str) -> bool:
        return LEVEL_RANK[self.level] >= LEVEL_RANK[level]

    def sort_key(self) -> tuple[int, str, str, str]:
        return (-LEVEL_RANK[self.level], self.path, self.method, self.id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "text": self.text,
            "check": self.check,
            "operation": self.operation,
            "path": self.path,
            "method": self.method,
            "source": self.source,
            "details": {key: _plain(value) for key, value in self.details.items()},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class DiffOptions:
    """oasdiff's check options. `today` is the date sunset dates are compared with."""

    today: dt.date = field(default_factory=dt.date.today)
    stability_level: str = "beta"
    min_sunset_beta_days: int = 0
    min_sunset_stable_days: int = 0
    allow_remote: bool = False
