"""Where recipes come from: the built-in table (imported only when asked for, so listing the CLI
stays fast), the entry-point group `gitmigrate.recipes`, and `--recipe path/to/recipe.py` (a
module defining RECIPE), which wins over an installed recipe of the same name: the caller gets
a warning to show (the library never prints).

A reference is what a command takes: a recipe name, or a path ending in ".py". Worker
processes load a recipe again from the same reference (recipes are pure, never pickled)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.codemods.recipe import Recipe, Rule
from gitmigrate.errors import UsageError

BUILTIN: dict[str, str] = {
    "pydantic2": "gitmigrate.codemods.recipes.pydantic2:RECIPE",
    "sqlalchemy2": "gitmigrate.codemods.recipes.sqlalchemy2:RECIPE",
    "modern-python": "gitmigrate.codemods.recipes.modern_python:RECIPE",
    "react18": "gitmigrate.codemods.recipes.react18:RECIPE",
}
ENTRY_POINT_GROUP = "gitmigrate.recipes"


def is_file_ref(ref: str) -> bool:
    return ref.endswith(".py") or "/" in ref or "\\" in ref


def available() -> dict[str, str]:
    """Every installed recipe: name -> "module:attribute" (a built-in name is never replaced
    by a plug-in's)."""
    from importlib.metadata import entry_points

    found = dict(BUILTIN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


def _checked(obj: Any, where: str) -> Recipe:
    if not isinstance(obj, Recipe):
        raise UsageError(
            f"{where} is not a recipe",
            "define RECIPE with name, summary, language, suffixes, rules, parts, collect and"
            " transform (see gitmigrate/codemods/recipe.py)",
        )
    return obj


def builtin_recipe(name: str) -> Recipe:
    """An installed recipe by name (built-in or plug-in)."""
    known = available()
    if name not in known:
        raise UsageError(f"unknown recipe {name!r}", f"known recipes: {', '.join(sorted(known))}")
    module, _, attr = known[name].partition(":")
    return _checked(getattr(importlib.import_module(module), attr), known[name])


_FROM_FILES: dict[str, Recipe] = {}  # resolved path -> its recipe (loaded once per process)


def recipe_from_file(path: str | Path) -> Recipe:
    """The RECIPE a Python file defines."""
    file = Path(path).resolve()
    key = str(file)
    if key in _FROM_FILES:
        return _FROM_FILES[key]
    if not file.is_file():
        raise UsageError(f"recipe file {path} does not exist", "give the path of a .py file")
    name = f"gitmigrate_recipe_{abs(hash(key)):x}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path} cannot be imported", "give the path of a .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise UsageError(
            f"recipe file {path} fails to import: {type(exc).__name__}: {exc}",
            "fix the file (run it with python to see the traceback)",
        ) from exc
    if not hasattr(module, "RECIPE"):
        raise UsageError(f"{path} defines no RECIPE", "assign the recipe object to RECIPE")
    _FROM_FILES[key] = recipe = _checked(module.RECIPE, f"RECIPE in {path}")
    return recipe


def load_recipe(ref: str, base: Path | None = None) -> tuple[Recipe, list[str]]:
    """The recipe a reference names, and warnings for the caller to show: a file's recipe
    named like an installed one wins over it."""
    if not is_file_ref(ref):
        return builtin_recipe(ref), []
    path = Path(ref) if base is None or Path(ref).is_absolute() else base / ref
    recipe = recipe_from_file(path)
    warnings = []
    if recipe.name in available():
        warnings.append(
            f"recipe {recipe.name!r} from {ref} wins over the installed recipe of that name"
        )
    return recipe, warnings


def parts_of(recipe: Recipe, seen: tuple[str, ...] = ()) -> list[tuple[str, Recipe]]:
    """A composite recipe as the (reference, recipe) list of its leaves, in order; a plain
    recipe is its own one part (reference: its name)."""
    if not recipe.parts:
        return [(recipe.name, recipe)]
    if recipe.name in seen:
        raise UsageError(
            f"recipe {recipe.name!r} includes itself ({' -> '.join((*seen, recipe.name))})",
            "remove the cycle from its parts",
        )
    out: list[tuple[str, Recipe]] = []
    for name in recipe.parts:
        part = builtin_recipe(name)
        out += parts_of(part, (*seen, recipe.name)) if part.parts else [(name, part)]
    return out


@dataclass(frozen=True)
class RecipeInfo:
    """A recipe as `code recipes` lists it (error: why it could not be loaded)."""

    name: str
    summary: str = ""
    language: str = ""
    rules: tuple[Rule, ...] = ()
    parts: tuple[str, ...] = ()
    source: str = ""
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "language": self.language,
            "parts": list(self.parts),
            "source": self.source,
            "error": self.error,
            "rules": [
                {"id": r.id, "summary": r.summary, "fixable": r.fixable, "opt_in": r.opt_in}
                for r in self.rules
            ],
        }


def recipe_infos(extra: tuple[str, ...] = ()) -> list[RecipeInfo]:
    """Every installed recipe (and those of `extra` files), by name."""
    out: dict[str, RecipeInfo] = {}
    for name, spec in sorted(available().items()):
        try:
            recipe = builtin_recipe(name)
        except (ImportError, UsageError, AttributeError) as exc:
            out[name] = RecipeInfo(name, source=spec, error=f"cannot be loaded: {exc}")
            continue
        out[name] = _info(recipe, spec)
    for ref in extra:
        recipe, _ = load_recipe(ref)
        out[recipe.name] = _info(recipe, ref)
    return [out[name] for name in sorted(out)]


def _info(recipe: Recipe, source: str) -> RecipeInfo:
    return RecipeInfo(
        recipe.name, recipe.summary, recipe.language, tuple(recipe.rules), tuple(recipe.parts),
        source,
    )  # fmt: skip
