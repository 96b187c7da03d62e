"""Pydantic v1 -> v2, rule by rule from Pydantic's migration guide: bump-pydantic's BP001-BP010
(bp*.py) and what it cannot do, the method renames resolved across modules (methods*.py). The
model index (models.py) is the pre-pass both use."""

from __future__ import annotations

from gitmigrate.codemods.libcst_recipe import LibcstRecipe
from gitmigrate.codemods.recipes.pydantic2 import bp, methods
from gitmigrate.codemods.recipes.pydantic2.models import ModelIndex

RECIPE = LibcstRecipe(
    name="pydantic2",
    summary="Pydantic v1 -> v2 (bump-pydantic's BP001-BP010, plus method renames)",
    rules=bp.RULES + methods.RULES,
    passes=bp.PASSES + methods.PASSES,
    collectors=(ModelIndex(), *methods.COLLECTORS),
)
