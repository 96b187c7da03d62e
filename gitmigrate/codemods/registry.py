"""Where recipes come from: the built-in table (imported only when asked for, so listing the CLI
stays fast), the entry-point group `gitmigrate.recipes`, and `--recipe path/to/recipe.py`."""

from __future__ import annotations

import importlib

from gitmigrate.codemods.recipe import Recipe
from gitmigrate.errors import UsageError

BUILTIN: dict[str, str] = {
    "pydantic2": "gitmigrate.codemods.recipes.pydantic2:RECIPE",
    "sqlalchemy2": "gitmigrate.codemods.recipes.sqlalchemy2:RECIPE",
    "modern-python": "gitmigrate.codemods.recipes.modern_python:RECIPE",
    "react18": "gitmigrate.codemods.recipes.react18:RECIPE",
}


def builtin_recipe(name: str) -> Recipe:
    if name not in BUILTIN:
        raise UsageError(
            f"unknown recipe {name!r}", f"known recipes: {', '.join(sorted(BUILTIN))}"
        )
    module, _, attr = BUILTIN[name].partition(":")
    recipe = getattr(importlib.import_module(module), attr)
    if not isinstance(recipe, Recipe):
        raise TypeError(f"{BUILTIN[name]} is not a Recipe")
    return recipe
