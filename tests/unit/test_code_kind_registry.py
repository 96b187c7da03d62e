"""Where recipes come from: built-in names, the entry-point group `gitmigrate.recipes`, a .py
file (which wins over an installed recipe of its name, with a warning), composites."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitmigrate.codemods import registry
from gitmigrate.codemods.recipe import CompositeRecipe
from gitmigrate.errors import UsageError
from tests.unit.test_code_kind_support import recipe_file


def test_an_unknown_recipe_lists_the_known_ones() -> None:
    with pytest.raises(UsageError) as caught:
        registry.builtin_recipe("pydantic3")
    assert caught.value.hint is not None
    for name in registry.BUILTIN:
        assert name in caught.value.hint


def test_a_recipe_file_wins_over_an_installed_one_with_a_warning(tmp_path: Path) -> None:
    path = recipe_file(tmp_path / "mine.py", name="pydantic2")
    recipe, warnings = registry.load_recipe(str(path))
    assert recipe.name == "pydantic2" and recipe.summary == "a test recipe"
    assert warnings == [
        f"recipe 'pydantic2' from {path} wins over the installed recipe of that name"
    ]
    other, quiet = registry.load_recipe(str(recipe_file(tmp_path / "x.py", name="solo")))
    assert other.name == "solo" and quiet == []


def test_a_file_without_a_recipe_is_refused(tmp_path: Path) -> None:
    (tmp_path / "none.py").write_text("X = 1\n")
    with pytest.raises(UsageError, match="defines no RECIPE"):
        registry.load_recipe(str(tmp_path / "none.py"))
    (tmp_path / "wrong.py").write_text("RECIPE = 42\n")
    with pytest.raises(UsageError, match="is not a recipe"):
        registry.load_recipe(str(tmp_path / "wrong.py"))
    (tmp_path / "bad.py").write_text("import nothing_of_that_name\n")
    with pytest.raises(UsageError, match="fails to import"):
        registry.load_recipe(str(tmp_path / "bad.py"))
    with pytest.raises(UsageError, match="does not exist"):
        registry.load_recipe(str(tmp_path / "missing.py"))


def test_an_entry_point_recipe_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real distribution on sys.path, declaring the recipe in its entry points."""
    site = tmp_path / "site"
    recipe_file(site / "acme_recipes.py", name="acme")
    info = site / "acme_recipes-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-recipes\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[gitmigrate.recipes]\nacme = acme_recipes:RECIPE\n")
    monkeypatch.syspath_prepend(str(site))
    assert registry.available()["acme"] == "acme_recipes:RECIPE"
    assert registry.builtin_recipe("acme").name == "acme"
    names = [info.name for info in registry.recipe_infos()]
    assert "acme" in names and "pydantic2" in names
    monkeypatch.delitem(sys.modules, "acme_recipes", raising=False)


@dataclass(frozen=True)
class _Loop:
    name: str = "loop"
    summary: str = "includes itself"
    parts: tuple[str, ...] = ("loop",)
    language: str = "python"
    suffixes: tuple[str, ...] = ()
    rules: tuple[()] = ()

    def collect(self, path: str, module: str, source: str) -> dict[str, str]:
        return {}

    def transform(self, source: str, ctx: object) -> str:
        return source


def test_a_composite_resolves_to_its_leaves_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BUILTIN, "echo", "tests.unit.test_code_kind_support:ECHO")
    monkeypatch.setitem(registry.BUILTIN, "both", f"{__name__}:BOTH")
    monkeypatch.setitem(registry.BUILTIN, "loop", f"{__name__}:LOOP")
    assert [ref for ref, _ in registry.parts_of(BOTH)] == ["echo", "pydantic2", "echo"]
    with pytest.raises(UsageError, match="includes itself"):
        registry.parts_of(LOOP)
    infos = {i.name: i for i in registry.recipe_infos()}
    assert infos["both"].parts == ("echo", "inner")
    assert infos["pydantic2"].error is None and infos["echo"].rules[0].id == "EC001"


INNER = CompositeRecipe("inner", "pydantic then echo", ("pydantic2", "echo"))
BOTH = CompositeRecipe("both", "echo and inner", ("echo", "inner"))
LOOP = _Loop()


@pytest.fixture(autouse=True)
def _inner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BUILTIN, "inner", f"{__name__}:INNER")
