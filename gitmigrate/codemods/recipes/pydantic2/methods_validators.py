"""PD104: a field validator's `values` argument -> `info: ValidationInfo`, every use of
`values` in its body -> `info.data`. It matches `@validator` and `@field_validator` alike (the
decorator's rename is BP007's, which may run before or after), resolved to Pydantic's own
decorators. Left for a person (flagged): validators that also take `field`/`config` or
`**kwargs`, that assign `values`, or that already use the name `info`. `@root_validator`'s
`values` is the whole model and is not touched."""

from __future__ import annotations

import re

import libcst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ScopeProvider

from gitmigrate.codemods.recipes.pydantic2.methods_pass import ModelPass

DECORATORS = frozenset(
    {
        "pydantic.validator",
        "pydantic.class_validators.validator",
        "pydantic.field_validator",
        "pydantic.functional_validators.field_validator",
    }
)
V1_ONLY = frozenset({"field", "config"})


def _info() -> libcst.Attribute:
    return libcst.Attribute(value=libcst.Name("info"), attr=libcst.Name("data"))


class ValidatorValues(ModelPass):
    RULE = "PD104"
    NEEDLE = re.compile(r"\bvalues\b")

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self.params: set[int] = set()  # id() of the `values` params to replace
        self.uses: set[int] = set()  # id() of the names that read them

    def _decorator(self, node: libcst.FunctionDef) -> str | None:
        """The Pydantic validator decorator of a function: "validator", "field_validator"."""
        for decorator in node.decorators:
            target = decorator.decorator
            target = target.func if isinstance(target, libcst.Call) else target
            for name in self.resolver.names(target):
                if name in DECORATORS:
                    return name.rpartition(".")[2]
        return None

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        params = node.params
        values = [p for p in (*params.params, *params.kwonly_params) if p.name.value == "values"]
        decorator = self._decorator(node) if values else None
        if decorator is None:
            return
        names = {p.name.value for p in (*params.params, *params.kwonly_params)}
        scope = self.get_metadata(ScopeProvider, values[0], None)
        body_scope = self.get_metadata(ScopeProvider, node.body, None)
        reason = None
        if names & V1_ONLY:
            reason = f"also takes `{sorted(names & V1_ONLY)[0]}` (v2: info.field_name, info.config)"
        elif isinstance(params.star_kwarg, libcst.Param):
            reason = "takes **kwargs"
        elif "info" in names or (body_scope is not None and "info" in body_scope):
            reason = "the name `info` is taken"
        if body_scope is None or scope is None:
            return
        assignments = list(body_scope["values"])
        if reason is None and (
            len(assignments) != 1 or getattr(assignments[0], "node", None) is not values[0]
        ):
            reason = "assigns `values` in its body"
        if reason:
            self.flag(values[0], f"validator `values` not rewritten: {reason}")
            return
        self.params.add(id(values[0]))
        self.uses.update(id(access.node) for access in assignments[0].references)
        later = " (v2 needs BP007's @field_validator for it)" if decorator == "validator" else ""
        self.rewrite(values[0], f"validator `values` -> `info: ValidationInfo` (info.data){later}")
        AddImportsVisitor.add_needed_import(self.context, "pydantic", "ValidationInfo")

    def leave_Param(self, original_node: libcst.Param, updated_node: libcst.Param) -> libcst.Param:
        if id(original_node) not in self.params:
            return updated_node
        return updated_node.with_changes(
            name=libcst.Name("info"),
            annotation=libcst.Annotation(libcst.Name("ValidationInfo")),
        )

    def leave_Name(
        self, original_node: libcst.Name, updated_node: libcst.Name
    ) -> libcst.BaseExpression:
        return _info() if id(original_node) in self.uses else updated_node
