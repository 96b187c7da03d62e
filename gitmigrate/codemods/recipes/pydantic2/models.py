"""Which classes of the project are Pydantic models, across modules (bump-pydantic's
ClassDefVisitor pre-pass, but following bases through imports and relative imports in any file
order).

The pre-pass (`ModelIndex.collect`) records, per module, every class's fully qualified name and
its bases' fully qualified names; `model_classes(index)` closes that relation from Pydantic's own
bases. Everything is a plain dict, so it crosses process boundaries.

    facts = ModelIndex().collect(tree, "app/models.py", "app.models")
    # {"classes": {"app.models.User": ["pydantic.BaseModel"]}}
    "app.models.User" in model_classes({"app/models.py": {"models": facts}})  # True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.codemods.recipe import ProjectIndex

KEY = "models"

PYDANTIC_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic.generics.GenericModel",
        "pydantic.RootModel",
    }
)
SETTINGS_BASES = frozenset(
    {
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings",
    }
)


def qualified(wrapper: Any, node: Any) -> list[str]:
    """The fully qualified names an expression may stand for (relative imports resolved)."""
    from libcst.metadata import FullyQualifiedNameProvider

    names = wrapper.resolve(FullyQualifiedNameProvider).get(node, set())
    return sorted(q.name for q in names)


class ModelIndex:
    key = KEY

    def collect(self, tree: Any, path: str, module: str) -> dict[str, Any]:
        import libcst
        from libcst.helpers.module import ModuleNameAndPackage
        from libcst.metadata import FullyQualifiedNameProvider, MetadataWrapper

        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        wrapper = MetadataWrapper(
            tree, cache={FullyQualifiedNameProvider: ModuleNameAndPackage(module, package)}
        )
        names = wrapper.resolve(FullyQualifiedNameProvider)
        classes: dict[str, list[str]] = {}

        class Visitor(libcst.CSTVisitor):
            def visit_ClassDef(self, node: libcst.ClassDef) -> None:
                own = sorted(q.name for q in names.get(node, set()))
                bases: list[str] = []
                for arg in node.bases:
                    value = arg.value
                    if isinstance(value, libcst.Subscript):  # GenericModel[T], Generic[T]
                        value = value.value
                    bases.extend(sorted(q.name for q in names.get(value, set())))
                for name in own:
                    classes[name.replace(".<locals>", "")] = bases

        wrapper.visit(Visitor())
        return {"classes": classes}


def class_bases(index: ProjectIndex) -> dict[str, list[str]]:
    bases: dict[str, list[str]] = {}
    for facts in index.values():
        found: Mapping[str, Any] = facts.get(KEY, {}) if isinstance(facts, Mapping) else {}
        for name, parents in found.get("classes", {}).items():
            bases.setdefault(name, []).extend(parents)
    return bases


def _closure(index: ProjectIndex, roots: frozenset[str]) -> frozenset[str]:
    bases = class_bases(index)
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in found and any(p in found for p in parents):
                found.add(name)
                changed = True
    return frozenset(found)


def model_classes(index: ProjectIndex) -> frozenset[str]:
    """Fully qualified names of every model class (Pydantic's bases included)."""
    return _closure(index, PYDANTIC_BASES)


def settings_classes(index: ProjectIndex) -> frozenset[str]:
    """Fully qualified names of every BaseSettings class (Pydantic's included)."""
    return _closure(index, SETTINGS_BASES)
