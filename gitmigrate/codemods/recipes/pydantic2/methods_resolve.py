"""What an expression is, as far as it can be proved without running or type-checking the
code: a Pydantic model class, an instance of one, or a sequence of instances. Proofs follow
imports (FullyQualifiedNameProvider), the assignments a name can come from (ScopeProvider: every
one of them must prove the same model, or nothing is proved), annotations of parameters,
attributes and return values (the pre-pass of methods_facts, across modules), and `self`/`cls`
inside a model's methods. Anything else is unknown, and unknown is never rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from gitmigrate.codemods.recipe import ProjectIndex
from gitmigrate.codemods.recipes.pydantic2.methods_facts import (
    KEY,
    Annotation,
    annotation_types,
    merged,
)
from gitmigrate.codemods.recipes.pydantic2.models import class_bases, model_classes

# A model class, an instance of one, a sequence of instances; a class of the project that is not
# a model ("type") and an instance of one ("object"): those are never renamed, but their
# attributes and methods' return annotations lead to models (`repo.get_user(1).dict()`).
Tag = Literal["class", "instance", "items", "type", "object"]
Kind = tuple[Tag, str]  # ("instance", "app.models.User")

# Class methods that return an instance of the class (v1 and v2 names).
CONSTRUCTORS = frozenset(
    {
        "parse_obj",
        "parse_raw",
        "parse_file",
        "construct",
        "from_orm",
        "validate",
        "model_validate",
        "model_validate_json",
        "model_construct",
    }
)
COPIES = frozenset({"copy", "model_copy"})
# Pydantic's functions of a type and a value that return the value as that type.
ADAPTERS = frozenset(
    {"pydantic.parse_obj_as", "pydantic.tools.parse_obj_as", "pydantic.parse_raw_as"}
    | {"pydantic.tools.parse_raw_as"}
)
TYPE_ADAPTERS = frozenset({"pydantic.TypeAdapter", "pydantic.type_adapter.TypeAdapter"})
DEPTH = 8  # how many assignments a proof may follow (x = y; y = z; ... and x = x.copy())


# The last index and its merged facts; holding the index itself keeps its id from being reused.
_LAST: list[tuple[ProjectIndex, int, dict[str, Any]]] = []


def _project(index: ProjectIndex) -> dict[str, Any]:
    """The index's facts, merged once per index (not once per pass of every file: a worker
    transforms many files against one index)."""
    if _LAST and _LAST[0][0] is index and _LAST[0][1] == len(index):
        return _LAST[0][2]
    facts = {
        "models": model_classes(index),
        "bases": class_bases(index),
        "returns": merged(index, "returns"),
        "attrs": merged(index, "attrs"),
        "defs": merged(index, "defs"),
    }
    _LAST[:] = [(index, len(index), facts)]
    return facts


class Resolver:
    """Proofs for one pass over one file (`command` is the running codemod command)."""

    def __init__(self, command: Any, index: ProjectIndex, path: str = "") -> None:
        self.command = command
        mine = index.get(path, {})
        self.strings: Mapping[str, list[str]] = mine.get(KEY, {}).get("strings", {})
        facts = _project(index)
        self.models: frozenset[str] = facts["models"]
        self.bases: Mapping[str, list[str]] = facts["bases"]
        self.returns: Mapping[str, Annotation] = facts["returns"]
        self.attrs: Mapping[str, Mapping[str, Annotation]] = facts["attrs"]
        self.defs: Mapping[str, list[str]] = facts["defs"]

    def names(self, node: Any) -> list[str]:
        from libcst.metadata import FullyQualifiedNameProvider

        found = self.command.get_metadata(FullyQualifiedNameProvider, node, set())
        return sorted(q.name for q in found)

    def model_class(self, node: Any) -> str | None:
        found = self.kind(node)
        return found[1] if found and found[0] == "class" else None

    def instance(self, node: Any) -> str | None:
        found = self.kind(node)
        return found[1] if found and found[0] == "instance" else None

    def lineage(self, model: str) -> list[str]:
        """The class and its project bases, nearest first."""
        seen: list[str] = []
        todo = [model]
        while todo:
            name = todo.pop(0)
            if name not in seen:
                seen.append(name)
                todo.extend(self.bases.get(name, []))
        return seen

    def defines(self, model: str, method: str) -> bool:
        """Whether the project's own code defines `method` on the model or a base of it (then
        `.dict()` is theirs, not Pydantic's, and is left alone)."""
        return any(method in self.defs.get(name, []) for name in self.lineage(model))

    def _typed(self, found: Annotation) -> Kind | None:
        for name in found.get("type", []):
            if name in self.models:
                return ("instance", name)
        for name in found.get("item", []):
            if name in self.models:
                return ("items", name)
        for name in found.get("type", []):
            if name in self.bases:
                return ("object", name)
        return None

    def kind(self, node: Any, depth: int = 0) -> Kind | None:
        import libcst

        if depth > DEPTH:
            return None
        if isinstance(node, (libcst.Name, libcst.Attribute)):
            names = self.names(node)
            for name in names:
                if name in self.models:
                    return ("class", name)
            for name in names:
                if name in self.bases:
                    return ("type", name)
        if isinstance(node, libcst.Name):
            return self._name(node, depth)
        if isinstance(node, libcst.Attribute):
            owner = self.kind(node.value, depth + 1)
            if owner and owner[0] in ("instance", "object"):
                for name in self.lineage(owner[1]):
                    found = self.attrs.get(name, {}).get(node.attr.value)
                    if found is not None:
                        return self._typed(found)
            return None
        if isinstance(node, libcst.Call):
            return self._call(node, depth)
        if isinstance(node, libcst.Subscript):
            owner = self.kind(node.value, depth + 1)
            return ("instance", owner[1]) if owner and owner[0] == "items" else None
        return None

    def _call(self, node: Any, depth: int) -> Kind | None:
        import libcst

        func = node.func
        adapted = self._adapted(node)
        if adapted is not None:
            return self._typed(annotation_types(adapted, self.names, self.strings))
        made = self.kind(func, depth + 1)
        if made and made[0] in ("class", "type"):
            return ("instance" if made[0] == "class" else "object", made[1])
        if isinstance(func, libcst.Attribute):
            owner = self.kind(func.value, depth + 1)
            method = func.attr.value
            if owner and owner[0] != "items":
                pydantics = not self.defines(owner[1], method)  # not the project's own
                if owner[0] == "class" and method in CONSTRUCTORS and pydantics:
                    return ("instance", owner[1])
                if owner[0] == "instance" and method in COPIES and pydantics:
                    return ("instance", owner[1])
                for name in self.lineage(owner[1]):
                    if f"{name}.{method}" in self.returns:
                        return self._typed(self.returns[f"{name}.{method}"])
                return None
        for name in self.names(func):
            if name in self.returns:
                return self._typed(self.returns[name])
        return None

    def _adapted(self, node: Any) -> Any:
        """The type argument of `parse_obj_as(T, x)` or `TypeAdapter(T).validate_python(x)`."""
        import libcst

        func = node.func
        if ADAPTERS & set(self.names(func)) and node.args:
            return node.args[0].value
        if isinstance(func, libcst.Attribute) and isinstance(func.value, libcst.Call):
            made = func.value
            if func.attr.value in ("validate_python", "validate_json") and made.args:
                if TYPE_ADAPTERS & set(self.names(made.func)):
                    return made.args[0].value
        return None

    def _name(self, node: Any, depth: int) -> Kind | None:
        from libcst.metadata import ScopeProvider

        scope = self.command.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return None
        accesses = [a for a in scope.accesses[node] if a.node is node]
        if len(accesses) != 1 or not accesses[0].referents:
            return None
        kinds = {self._bound(r, depth + 1) for r in accesses[0].referents}
        return kinds.pop() if len(kinds) == 1 else None

    def _bound(self, referent: Any, depth: int) -> Kind | None:
        """What a name is after one of its assignments."""
        import libcst
        from libcst.metadata import Assignment, ImportAssignment, ParentNodeProvider

        if not isinstance(referent, Assignment) or isinstance(referent, ImportAssignment):
            return None
        node = referent.node
        if isinstance(node, libcst.Param):
            return self._param(node)
        if not isinstance(node, libcst.Name):
            return None
        parent = self.command.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, libcst.AssignTarget):
            assign = self.command.get_metadata(ParentNodeProvider, parent, None)
            return self.kind(assign.value, depth) if isinstance(assign, libcst.Assign) else None
        if isinstance(parent, libcst.AnnAssign) and parent.target is node:
            return self._typed(annotation_types(parent.annotation, self.names, self.strings))
        if isinstance(parent, libcst.NamedExpr) and parent.target is node:
            return self.kind(parent.value, depth)
        if isinstance(parent, (libcst.For, libcst.CompFor)) and parent.target is node:
            owner = self.kind(parent.iter, depth)
            return ("instance", owner[1]) if owner and owner[0] == "items" else None
        return None

    def _param(self, param: Any) -> Kind | None:
        import libcst
        from libcst.metadata import ParentNodeProvider

        if param.annotation is not None:
            return self._typed(annotation_types(param.annotation, self.names, self.strings))
        get = self.command.get_metadata
        function = get(ParentNodeProvider, get(ParentNodeProvider, param, None), None)
        if not isinstance(function, libcst.FunctionDef) or not function.params.params:
            return None
        if function.params.params[0] is not param:
            return None
        block = get(ParentNodeProvider, function, None)
        owner = get(ParentNodeProvider, block, None) if block is not None else None
        if not isinstance(owner, libcst.ClassDef):
            return None
        names = self.names(owner)
        model = next((n for n in names if n in self.models), None)
        other = next((n for n in names if n in self.bases), None)
        decorators = {getattr(d.decorator, "value", None) for d in function.decorators}
        name = param.name.value
        if "staticmethod" in decorators or (model or other) is None:
            return None
        if "classmethod" in decorators or name == "cls":  # validators take cls undecorated
            return ("class", model) if model else ("type", str(other))
        if name != "self":
            return None
        return ("instance", model) if model else ("object", str(other))
