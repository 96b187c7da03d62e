"""PD105 (flags only): a v1 model method called on an object nothing proves to be a model but
that looks like one: a Pydantic-only method (`parse_obj`, `parse_raw`, `schema_json`,
`update_forward_refs`, `from_orm`, `parse_file`), a Pydantic-only keyword (`exclude_unset=`,
`by_alias=`, ...), or a receiver named after a model of the project (`user.dict()` where `User`
is a model, `kwargs["user"].dict()`). Never flagged: what is proved a model (PD101/PD102 rewrite
it) and what is proved something else (a literal, a builtin's or a non-model class's result, a
parameter annotated with a non-model type, a dataclass)."""

from __future__ import annotations

import re

import libcst
from libcst.metadata import Assignment, ImportAssignment, ParentNodeProvider, ScopeProvider

from gitmigrate.codemods.recipes.pydantic2.methods_pass import ModelPass, short
from gitmigrate.codemods.recipes.pydantic2.methods_table import (
    CLASS,
    DISTINCT,
    INSTANCE,
    NO_REWRITE,
    PYDANTIC_KEYWORDS,
    needle,
)

LITERALS = (
    libcst.Dict,
    libcst.DictComp,
    libcst.List,
    libcst.ListComp,
    libcst.Set,
    libcst.SetComp,
    libcst.Tuple,
    libcst.SimpleString,
    libcst.FormattedString,
    libcst.ConcatenatedString,
    libcst.Integer,
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _label(node: libcst.BaseExpression) -> str | None:
    """The name a receiver goes by: `user`, `self.user`, `kwargs["user"]`."""
    if isinstance(node, libcst.Name):
        return node.value
    if isinstance(node, libcst.Attribute):
        return node.attr.value
    if isinstance(node, libcst.Subscript) and len(node.slice) == 1:
        key = node.slice[0].slice
        if isinstance(key, libcst.Index) and isinstance(key.value, libcst.SimpleString):
            return str(key.value.evaluated_value)
    return None


class Unproven(ModelPass):
    RULE = "PD105"
    NEEDLE = needle(*INSTANCE, *CLASS, *NO_REWRITE)

    def visit_Call(self, node: libcst.Call) -> None:
        func = node.func
        if not isinstance(func, libcst.Attribute):
            return
        name = func.attr.value
        if name not in INSTANCE and name not in CLASS and name not in NO_REWRITE:
            return
        if self.resolver.kind(func.value) is not None or self._foreign(func.value, 0):
            return
        why = self._looks(node, func.value, name)
        if why:
            self.flag(func.attr, f".{name}() on an object not provably a model ({why}): check it")

    def _looks(self, call: libcst.Call, receiver: libcst.BaseExpression, name: str) -> str:
        if name in DISTINCT:
            return "a Pydantic-only method"
        for arg in call.args:
            if arg.keyword and arg.keyword.value in PYDANTIC_KEYWORDS:
                return f"`{arg.keyword.value}=`"
        label = _label(receiver)
        if label is None:
            return ""
        words = f"_{label.lower()}_"
        for model in sorted(self.resolver.models):
            if "." in model and f"_{_snake(short(model))}_" in words:
                return f"named like {short(model)}"
        return ""

    def _foreign(self, node: libcst.BaseExpression, depth: int) -> bool:
        """Whether the receiver is proved not a model."""
        if isinstance(node, LITERALS):
            return True
        if isinstance(node, libcst.Call):
            names = self.resolver.names(node.func)
            return bool(names) and all(self._foreign_callable(n) for n in names)
        if not isinstance(node, libcst.Name) or depth > 4:
            return False
        scope = self.get_metadata(ScopeProvider, node, None)
        accesses = [a for a in scope.accesses[node] if a.node is node] if scope else []
        if len(accesses) != 1 or not accesses[0].referents:
            return False
        return all(self._foreign_binding(r, depth) for r in accesses[0].referents)

    def _foreign_callable(self, name: str) -> bool:
        """A builtin, a class of the project that is not a model, or anything of a package
        outside the project (requests.get, json.loads) but Pydantic."""
        if name in self.resolver.models:
            return False
        top = name.partition(".")[0]
        if top == "builtins" or name in self.resolver.bases:
            return True
        return top not in self._roots() and top not in ("pydantic", "pydantic_settings")

    def _roots(self) -> set[str]:
        """The project's top-level packages and modules (from the pre-pass's paths)."""
        roots = set()
        for path in self.ctx.index:
            parts = path.removeprefix("src/").split("/")
            roots.add(parts[0].removesuffix(".pyi").removesuffix(".py"))
        return roots

    def _foreign_binding(self, referent: object, depth: int) -> bool:
        if not isinstance(referent, Assignment) or isinstance(referent, ImportAssignment):
            return False
        node = referent.node
        if isinstance(node, libcst.Param):
            if node.annotation is None:
                return False
            names = self.resolver.names(node.annotation.annotation)
            if not names and isinstance(node.annotation.annotation, libcst.Subscript):
                names = self.resolver.names(node.annotation.annotation.value)
            return bool(names) and not any(n in self.resolver.models for n in names)
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, libcst.AssignTarget):
            assign = self.get_metadata(ParentNodeProvider, parent, None)
            return isinstance(assign, libcst.Assign) and self._foreign(assign.value, depth + 1)
        return False
