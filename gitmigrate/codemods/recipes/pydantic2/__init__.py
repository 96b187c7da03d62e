"""Pydantic v1 -> v2, rule by rule from Pydantic's migration guide: bump-pydantic's BP001-BP010
(bp*.py) and what it cannot do, the method renames resolved across modules (methods*.py). The
model index (models.py) is the pre-pass both use."""

from __future__ import annotations

from typing import Any

from gitmigrate.codemods.libcst_recipe import LibcstRecipe
from gitmigrate.codemods.recipes.pydantic2 import bp, methods
from gitmigrate.codemods.recipes.pydantic2.models import ModelIndex


def _ordered(
    bp_passes: tuple[tuple[str, type[Any]], ...], method_passes: tuple[tuple[str, type[Any]], ...]
) -> tuple[tuple[str, type[Any]], ...]:
    """bump-pydantic's order, then the method renames; except PD104 (`values` -> `info`), which
    runs before BP007 so that a validator reading `values` becomes a field_validator too (BP007
    alone leaves it under a TODO)."""
    first = tuple(p for p in method_passes if p[0] == "PD104")
    rest = tuple(p for p in method_passes if p[0] != "PD104")
    at = next((i for i, p in enumerate(bp_passes) if p[0] == "BP007"), len(bp_passes))
    return bp_passes[:at] + first + bp_passes[at:] + rest


RECIPE = LibcstRecipe(
    name="pydantic2",
    summary="Pydantic v1 -> v2 (bump-pydantic's BP001-BP010, plus method renames)",
    rules=bp.RULES + methods.RULES,
    passes=_ordered(bp.PASSES, methods.PASSES),
    collectors=(ModelIndex(), *methods.COLLECTORS),
)
