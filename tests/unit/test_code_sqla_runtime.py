"""The sqlalchemy2 recipe's output runs: a small store written against SQLAlchemy 1.4 APIs
(fixtures/code/sqlalchemy2/SA001/runtime_store/before.py) fails on the installed SQLAlchemy 2
against a real SQLite database, and the recipe's result passes, with SQLAlchemy's deprecation
and legacy-API warnings turned into errors (the migration guide's "turn on RemovedIn20Warnings")."""

from __future__ import annotations

import functools
import importlib.util
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import exc

from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.registry import builtin_recipe

CASE = Path(__file__).resolve().parents[2] / "fixtures/code/sqlalchemy2/SA001/runtime_store"
ALL = frozenset(rule.id for rule in builtin_recipe("sqlalchemy2").rules)
# function -> (arguments after the url, what the migrated store returns)
CALLS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "names": ((), ["bob", "ada"]),
    "count": ((), 2),
    "rename": ((1, "ada lovelace"), ("ada lovelace", None)),
    "nickname_of": ((2,), ("bob", "bobby")),
    "emails": ((), {"ada": ["ada@example.com"], "bob": []}),
}


@functools.cache
def migrated() -> tuple[str, FileContext]:
    recipe = builtin_recipe("sqlalchemy2")
    source = (CASE / "before.py").read_text(encoding="utf-8")
    path = "app/store.py"
    ctx = FileContext(
        path=path,
        module="app.store",
        package="app",
        index={path: recipe.collect(path, "app.store", source)},
        enabled=ALL,
    )
    return recipe.transform(source, ctx), ctx


def load(source: str, directory: Path, name: str) -> ModuleType:
    """Import a source as a real module (SQLAlchemy resolves Mapped[...] in its namespace)."""
    file = directory / f"{name}.py"
    file.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def strict() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", exc.SADeprecationWarning)
        warnings.simplefilter("error", exc.LegacyAPIWarning)
        yield


@pytest.fixture
def stores(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[ModuleType, ModuleType, str]]:
    """(the store before, the store after, the url of a database the migrated store set up)."""
    tag = request.node.name.replace("[", "_").replace("]", "").replace("-", "_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 1.4 module only has to import
        before = load((CASE / "before.py").read_text(encoding="utf-8"), tmp_path, f"before_{tag}")
    after = load(migrated()[0], tmp_path, f"after_{tag}")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    after.setup(url)
    yield before, after, url
    sys.modules.pop(before.__name__, None)
    sys.modules.pop(after.__name__, None)


def test_the_installed_sqlalchemy_is_2() -> None:
    assert int(sqlalchemy.__version__.split(".")[0]) >= 2


@pytest.mark.parametrize("function", sorted(CALLS))
def test_the_1_4_store_fails_on_sqlalchemy_2(
    stores: tuple[ModuleType, ModuleType, str], strict: None, function: str
) -> None:
    before, _, url = stores
    args, _ = CALLS[function]
    with pytest.raises((exc.SQLAlchemyError, exc.SADeprecationWarning)):
        getattr(before, function)(url, *args)


@pytest.mark.parametrize("function", sorted(CALLS))
def test_the_migrated_store_runs_on_sqlalchemy_2(
    stores: tuple[ModuleType, ModuleType, str], strict: None, function: str
) -> None:
    _, after, url = stores
    args, expected = CALLS[function]
    assert getattr(after, function)(url, *args) == expected


def test_the_migrated_store_is_the_golden_after_and_nothing_is_left_to_decide() -> None:
    text, ctx = migrated()
    assert text == (CASE / "after.py").read_text(encoding="utf-8")
    assert [f for f in ctx.findings if not f.fixable] == []
    assert {"SA001", "SA002", "SA003", "SA004", "SA005", "SA009"} <= set(ctx.applied())


def test_the_migrated_models_are_typed(stores: tuple[ModuleType, ModuleType, str]) -> None:
    _, after, _ = stores
    mapper = sqlalchemy.inspect(after.User)
    assert mapper.columns["nickname"].nullable is True
    assert mapper.columns["name"].nullable is False
    assert str(after.User.__annotations__["id"]).endswith("Mapped[int]")
    assert str(after.User.__annotations__["nickname"]).endswith("Mapped[typing.Optional[str]]")
