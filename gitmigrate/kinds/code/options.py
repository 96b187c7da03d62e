"""A code step's [options] in step.toml, typed:

recipe = "pydantic2"        # the recipe's name
source = "installed"        # or "step": the step's own recipe.py (a recipe from a file)
paths = ["app"]             # what it ran on (default: the whole tree)
rules = ["BP001"]           # the rules it ran (default: every rule not opt-in)
python = "3.10"             # the target version (modern-python)
verify_command = "pytest -q"
verify_timeout = 600.0
verify_outcome = "passed in 2.1s"   # how it went when the step was added
target = "deployed"         # an outside tree (default: the repository)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError

RECIPE_FILE = "recipe.py"  # the step's copy of a recipe given as a file
INSTALLED, STEP = "installed", "step"


@dataclass(frozen=True)
class CodeOptions:
    recipe: str
    source: str = INSTALLED
    paths: tuple[str, ...] = ()
    rules: tuple[str, ...] | None = None
    python: str | None = None
    verify_command: str | None = None
    verify_timeout: float | None = None
    verify_outcome: str | None = None
    target: str | None = None

    @property
    def enabled(self) -> frozenset[str] | None:
        return frozenset(self.rules) if self.rules is not None else None

    @property
    def recipe_options(self) -> dict[str, Any]:
        return {"python": self.python} if self.python else {}

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"recipe": self.recipe, "source": self.source}
        if self.paths:
            out["paths"] = list(self.paths)
        if self.rules is not None:
            out["rules"] = list(self.rules)
        for name in ("python", "verify_command", "verify_timeout", "verify_outcome", "target"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _strings(raw: Any, name: str, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(p for p in raw.split(",") if p)
    if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
        raise UsageError(f"{where}: {name} must be a list of strings", f'write {name} = ["..."]')
    return tuple(raw)


def options_of(raw: Mapping[str, Any], where: str = "[options]") -> CodeOptions:
    """Typed options; what is missing or of the wrong type is a UsageError naming it."""
    recipe = raw.get("recipe")
    if not isinstance(recipe, str) or not recipe:
        raise UsageError(f"{where}: a code step needs recipe = NAME", 'write recipe = "pydantic2"')
    source = raw.get("source", INSTALLED)
    if source not in (INSTALLED, STEP):
        raise UsageError(f"{where}: source must be {INSTALLED!r} or {STEP!r}", "fix step.toml")
    for name in ("python", "verify_command", "verify_outcome", "target"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            raise UsageError(f"{where}: {name} must be a string", f'write {name} = "..."')
    timeout = raw.get("verify_timeout")
    try:
        seconds = None if timeout is None else float(timeout)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: verify_timeout must be seconds", "write 600") from None
    rules = raw.get("rules")
    return CodeOptions(
        recipe=recipe,
        source=str(source),
        paths=_strings(raw.get("paths", ()), "paths", where),
        rules=None if rules is None else _strings(rules, "rules", where),
        python=raw.get("python"),
        verify_command=raw.get("verify_command") or None,
        verify_timeout=seconds,
        verify_outcome=raw.get("verify_outcome"),
        target=raw.get("target"),
    )
