"""PD103: `parse_obj_as(T, x)` -> `TypeAdapter(T).validate_python(x)` and `parse_raw_as(T, x)`
-> `TypeAdapter(T).validate_json(x)`, on the functions Pydantic itself exports (resolved through
imports, aliases included); `from pydantic import TypeAdapter` is added and the old name's
import dropped once unused. `parse_file_as` and a call with `type_name=` are flagged."""

from __future__ import annotations

import re

import libcst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.pydantic2.methods_pass import ModelPass

FUNCTIONS = {"parse_obj_as": "validate_python", "parse_raw_as": "validate_json"}
FLAGGED = {"parse_file_as": "read the file, then TypeAdapter(T).validate_json(text)"}
MODULES = ("pydantic", "pydantic.tools")


def _pydantic_function(names: list[str]) -> str | None:
    for name in names:
        module, _, function = name.rpartition(".")
        if module in MODULES and (function in FUNCTIONS or function in FLAGGED):
            return function
    return None


class TypeAdapterCalls(ModelPass):
    RULE = "PD103"
    NEEDLE = re.compile(r"\bparse_(?:obj|raw|file)_as\b")

    def leave_Call(
        self, original_node: libcst.Call, updated_node: libcst.Call
    ) -> libcst.BaseExpression:
        function = _pydantic_function(self.resolver.names(original_node.func))
        if function is None:
            return updated_node
        if function in FLAGGED:
            self.flag(original_node, f"{function}() was removed: {FLAGGED[function]}")
            return updated_node
        args = original_node.args
        if len(args) != 2 or any(a.keyword is not None or a.star for a in args):
            self.flag(original_node, f"{function}(): not (type, value); no plain TypeAdapter call")
            return updated_node
        target, value = updated_node.args
        func = updated_node.func
        if isinstance(func, libcst.Attribute):  # pydantic.parse_obj_as(...)
            adapter: libcst.BaseExpression = func.with_changes(attr=libcst.Name("TypeAdapter"))
        else:
            adapter = libcst.Name("TypeAdapter")
            AddImportsVisitor.add_needed_import(self.context, "pydantic", "TypeAdapter")
            for module in MODULES:
                RemoveImportsVisitor.remove_unused_import(self.context, module, function)
        method = FUNCTIONS[function]
        self.rewrite(original_node, f"{function}(T, x) -> TypeAdapter(T).{method}(x)")
        return libcst.Call(
            func=libcst.Attribute(
                value=libcst.Call(
                    func=adapter, args=[target.with_changes(comma=libcst.MaybeSentinel.DEFAULT)]
                ),
                attr=libcst.Name(method),
            ),
            args=[value],
        )
