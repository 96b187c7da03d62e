"""bump-pydantic's rules BP001-BP010, in its order (BP008 before BP003)."""

from __future__ import annotations

from typing import Any

from gitmigrate.codemods.recipe import Rule

RULES: tuple[Rule, ...] = ()
PASSES: tuple[tuple[str, type[Any]], ...] = ()
